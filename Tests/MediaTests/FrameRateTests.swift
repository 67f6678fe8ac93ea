import Foundation
import Media
import Testing

/// Resampling to 25 fps by presentation time: output frame t shows the source
/// frame on screen at (t + ½)·40 ms.
@Suite struct FrameRateTests {
    /// The source frame index shown at output frame `t` for a constant `rate`.
    func expectedSource(_ t: Int, rate: Double) -> Int {
        Int(((Double(t) + 0.5) / 25 * rate + 1e-9).rounded(.down))
    }

    @Test(arguments: [(30, 1), (30000, 1001), (50, 1), (12, 1)])
    func constantRatesResample(rate: (Int, Int)) throws {
        let folder = try TestMedia.folder()
        let fps = Double(rate.0) / Double(rate.1)
        let sourceFrames = Int((2 * fps).rounded(.down))
        let url = try TestMedia.writeClip(folder.appendingPathComponent("r.mp4"), frames: sourceFrames, frameRate: rate,
                                          levels: { UInt8(clamping: 10 + 2 * $0) })
        let frames = try VideoReader(path: url.path).readAll()
        let duration = Double(sourceFrames) / fps
        #expect(frames.count == Int((duration * 25 - 0.5).rounded(.up)))
        for frame in frames {
            let source = expectedSource(frame.index, rate: fps)
            #expect(abs(TestMedia.meanLevel(frame.image) - Double(10 + 2 * source)) < 1.5,
                    "rate \(fps): output \(frame.index) should show source \(source)")
        }
    }

    @Test func variableFrameRateIsDetectedAndFilled() throws {
        let folder = try TestMedia.folder()
        let source = try TestMedia.writeClip(folder.appendingPathComponent("cfr.mp4"), frames: 90, frameRate: (30, 1), audio: nil,
                                             levels: { UInt8(clamping: 10 + 2 * $0) })
        let vfr = folder.appendingPathComponent("vfr.mp4")
        // Drop source frames 30…44 (0.5 s) and keep the others' timestamps.
        try TestMedia.ffmpeg(["-i", source.path, "-vf", "select='not(between(n\\,30\\,44))'", "-fps_mode", "vfr",
                              "-c:v", "libx264", "-crf", "10", "-preset", "ultrafast", vfr.path])
        let info = try MediaProbe.probe(vfr.path)
        #expect(info.video?.variableFrameRate == true)
        let frames = try VideoReader(path: vfr.path).readAll()
        #expect(frames.count == 75)
        // During the gap the last frame before it (source 29) stays on screen.
        let gapFrame = frames[30]  // (30.5)/25 s = 1.22 s → source 36 (dropped) → shows 29
        #expect(abs(TestMedia.meanLevel(gapFrame.image) - Double(10 + 2 * 29)) < 1.5)
        let afterGap = frames[40]  // 1.62 s → source 48
        #expect(abs(TestMedia.meanLevel(afterGap.image) - Double(10 + 2 * 48)) < 1.5)
    }

    @Test func rangeReadEqualsSliceOfWholeRead() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("long.mp4"), frames: 150)
        let whole = try VideoReader(path: url.path).readAll()
        let part = try VideoReader(path: url.path, options: VideoReadOptions(range: TimeRange(startSeconds: 3.0, durationSeconds: 1.0))).readAll()
        #expect(part.map(\.index) == Array(75..<100))
        for frame in part {
            #expect(frame.image == whole[frame.index].image)
        }
        let wholeAudio = try AudioReader(path: url.path).readAll()
        let partAudio = try AudioReader(path: url.path, options: AudioReadOptions(range: TimeRange(startSeconds: 3.0, durationSeconds: 1.0))).readAll()
        #expect(partAudio.count == 16_000)
        var maxDiff: Float = 0
        for i in 0..<partAudio.count { maxDiff = max(maxDiff, abs(partAudio[i] - wholeAudio[48_000 + i])) }
        print("range audio max |diff| vs whole read: \(maxDiff)")
        #expect(maxDiff < 1e-3)
    }
}
