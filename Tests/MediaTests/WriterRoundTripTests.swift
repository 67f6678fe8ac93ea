import Foundation
import Media
import Testing

@Suite struct WriterRoundTripTests {
    @Test func clipSurvivesWriteAndRead() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("clip.mp4"), frames: 50)
        let info = try MediaProbe.probe(url.path)
        #expect(info.video?.codec == "h264")
        #expect(info.audio?.codec == "aac")
        #expect(info.video?.width == 64 && info.video?.height == 48)
        #expect(info.audio?.sampleRate == 16_000 && info.audio?.channels == 1)
        #expect(info.video?.variableFrameRate == false)
        #expect(abs((info.video?.measuredFrameRate ?? 0) - 25) < 0.01)

        let frames = try VideoReader(path: url.path).readAll()
        #expect(frames.count == 50)
        for (t, frame) in frames.enumerated() {
            #expect(frame.index == t)
            let expected = Double(20 + 4 * t)
            #expect(abs(TestMedia.meanLevel(frame.image) - expected) < 3, "frame \(t)")
        }
        let audio = try AudioReader(path: url.path).readAll()
        #expect(abs(audio.count - 32_000) < 1024)
        #expect(TestMedia.dominantFrequency(audio[4000..<6000], sampleRate: 16_000) == 440)
        let rms = sqrt(audio[4000..<12000].reduce(0) { $0 + Double($1 * $1) } / 8000)
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.05)
    }

    @Test func unfinishedWriterLeavesNoFile() throws {
        let folder = try TestMedia.folder()
        let path = folder.appendingPathComponent("never.mp4").path
        do {
            let writer = try MP4Writer(path: path, video: MP4Writer.Video(width: 32, height: 32, preset: "ultrafast"), audio: nil)
            try writer.append(RGBImage(width: 32, height: 32, red: 9))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func wrongFrameSizeIsRejected() throws {
        let folder = try TestMedia.folder()
        let writer = try MP4Writer(path: folder.appendingPathComponent("x.mp4").path,
                                   video: MP4Writer.Video(width: 32, height: 32, preset: "ultrafast"), audio: nil)
        #expect(throws: MediaError.self) { try writer.append(RGBImage(width: 16, height: 32)) }
    }

    @Test func sameInputWritesSameBytes() throws {
        let folder = try TestMedia.folder()
        let a = try TestMedia.writeClip(folder.appendingPathComponent("a.mp4"), frames: 10)
        let b = try TestMedia.writeClip(folder.appendingPathComponent("b.mp4"), frames: 10)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }
}
