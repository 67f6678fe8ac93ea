import Foundation
import Media
import Testing

@Suite struct AudioTests {
    @Test(arguments: [(8_000, 1), (48_000, 2), (44_100, 2), (22_050, 1)])
    func anyRateAndLayoutBecomes16kMono(rate: (Int, Int)) throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("a.mp4"), frames: 25,
                                          audio: MP4Writer.Audio(sampleRate: rate.0, channels: rate.1))
        let info = try MediaProbe.probe(url.path)
        #expect(info.audio?.sampleRate == rate.0 && info.audio?.channels == rate.1)
        let audio = try AudioReader(path: url.path).readAll()
        #expect(abs(audio.count - 16_000) < 1_100)
        #expect(TestMedia.dominantFrequency(audio[3000..<6000], sampleRate: 16_000) == 440)
        let rms = sqrt(audio[3000..<9000].reduce(0) { $0 + Double($1 * $1) } / 6000)
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.05, "mono is the channel mean, so the level is kept")
    }

    @Test func lateAudioIsPrecededBySilence() throws {
        let folder = try TestMedia.folder()
        let video = try TestMedia.writeClip(folder.appendingPathComponent("v.mp4"), frames: 50, audio: nil)
        let tone = try TestMedia.writeClip(folder.appendingPathComponent("t.mp4"), frames: 25, video: false)
        let muxed = folder.appendingPathComponent("late.mp4")
        try TestMedia.ffmpeg(["-i", video.path, "-itsoffset", "0.5", "-i", tone.path, "-map", "0:v", "-map", "1:a",
                              "-c", "copy", muxed.path])
        let clip = try Clip.load(path: muxed.path)
        #expect(clip.frameCount == 50)
        #expect(clip.audio.count == 50 * 640)
        let leading = clip.audio[0..<7600].map { abs($0) }.max() ?? 1
        #expect(leading < 0.01, "audio starts at 0.5 s: the first 475 ms are silent")
        #expect(TestMedia.dominantFrequency(clip.audio[9000..<11000], sampleRate: 16_000) == 440)
    }
}

@Suite struct SampleRateConverterTests {
    /// Reading a signal as if it had been recorded at a higher rate plays it faster:
    /// a 400 Hz tone "recorded" at 16 800 Hz and converted to 16 000 Hz becomes 420 Hz.
    @Test func conversionKeepsDurationAndScalesPitch() throws {
        let tone = TestMedia.sine(frequency: 400, seconds: 1, sampleRate: 16_000)
        let faster = try SampleRateConverter.convert(tone, from: 16_800, to: 16_000)
        #expect(abs(faster.count - 16_000 * 16_000 / 16_800) <= 64)
        #expect(TestMedia.dominantFrequency(faster[2000..<6000], sampleRate: 16_000) == 420)
        let same = try SampleRateConverter.convert(tone, from: 16_000, to: 16_000)
        #expect(same == tone)
        #expect(throws: MediaError.self) { try SampleRateConverter.convert(tone, from: 0, to: 16_000) }
    }
}
