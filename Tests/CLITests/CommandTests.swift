import Features
import Foundation
import Tensor
import Testing

@Suite struct CommandTests {
    @Test func probeDescribesAFile() throws {
        let folder = try CommandRunner.folder()
        let clip = folder.appendingPathComponent("c.mp4")
        try CommandRunner.writeClip(clip, audio: .init(sampleRate: 48_000, channels: 2))
        let outcome = try CommandRunner.run(["probe", clip.path])
        #expect(outcome.status == 0)
        let json = try CommandRunner.json(outcome.stdout)
        let video = try #require(json["video"] as? [String: Any])
        let audio = try #require(json["audio"] as? [String: Any])
        #expect(video["width"] as? Int == 64)
        #expect(video["variable_frame_rate"] as? Bool == false)
        #expect(audio["sample_rate"] as? Int == 48_000)
        #expect(audio["channels"] as? Int == 2)
    }

    @Test func featuresWriteNumpyFiles() throws {
        let folder = try CommandRunner.folder()
        let clip = folder.appendingPathComponent("c.mp4")
        try CommandRunner.writeClip(clip, seconds: 2, audio: .init(sampleRate: 8_000, channels: 1))
        let mel = folder.appendingPathComponent("mel.npy")
        let frames = folder.appendingPathComponent("frames.npy")
        let vad = folder.appendingPathComponent("vad.npy")
        let outcome = try CommandRunner.run(["features", clip.path, "--mel-out", mel.path, "--frames-out", frames.path,
                                             "--vad-out", vad.path, "--crop-size", "32", "--start", "0.4", "--duration", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let melArray = try NPYFile.read(from: mel)
        let frameArray = try NPYFile.read(from: frames)
        #expect(frameArray.shape == [25, 3, 32, 32])
        #expect(melArray.shape == [80, 25 * 4 + 1])
        #expect(frameArray.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        let vadArray = try NPYFile.read(from: vad)
        #expect(vadArray.shape == [25])
        #expect(vadArray.values.allSatisfy { $0 == 0 || $0 == 1 })
        let summary = try CommandRunner.json(outcome.stdout)
        #expect(summary["first_frame"] as? Int == 10)
    }

    @Test func featuresWithRegion() throws {
        let folder = try CommandRunner.folder()
        let clip = folder.appendingPathComponent("c.mp4")
        try CommandRunner.writeClip(clip, seconds: 1, width: 128, height: 96)
        let frames = folder.appendingPathComponent("frames.npy")
        let outcome = try CommandRunner.run(["features", clip.path, "--frames-out", frames.path, "--roi", "10,10,50,40", "--crop-size", "16"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try NPYFile.read(from: frames).shape == [25, 3, 16, 16])
    }

    @Test func failuresAreOneLineAndLeaveNoFiles() throws {
        let folder = try CommandRunner.folder()
        let audioOnly = folder.appendingPathComponent("audio.mp4")
        try CommandRunner.writeClip(audioOnly, video: false)
        let garbage = folder.appendingPathComponent("garbage.mp4")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: garbage)
        let clip = folder.appendingPathComponent("c.mp4")
        try CommandRunner.writeClip(clip, seconds: 1)
        let mel = folder.appendingPathComponent("mel.npy")
        let frames = folder.appendingPathComponent("frames.npy")
        let cases: [([String], String)] = [
            (["probe", folder.appendingPathComponent("missing.mp4").path], "no such file"),
            (["probe", folder.path], "not a media file"),
            (["probe", garbage.path], "not a readable media file"),
            (["features", audioOnly.path, "--mel-out", mel.path, "--frames-out", frames.path], "no decodable video"),
            (["features", clip.path, "--frames-out", frames.path, "--roi", "50,40,30,30"], "not inside"),
            (["features", clip.path, "--mel-out", mel.path, "--max-resolution", "16"], "exceeds the limit"),
            (["features", clip.path], "--mel-out"),
            (["features", clip.path, "--mel-out", mel.path, "--roi", "1,1,8,8"], "--frames-out"),
        ]
        for (arguments, phrase) in cases {
            let outcome = try CommandRunner.run(arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(outcome.status < 128, "\(arguments) must not crash")
            #expect(outcome.stderr.contains(phrase), "\(arguments): \(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: mel.path) && !FileManager.default.fileExists(atPath: frames.path))
        }
    }

    @Test func videoOnlyStillGivesFrames() throws {
        let folder = try CommandRunner.folder()
        let videoOnly = folder.appendingPathComponent("video.mp4")
        try CommandRunner.writeClip(videoOnly, seconds: 1, audio: nil)
        let frames = folder.appendingPathComponent("frames.npy")
        let outcome = try CommandRunner.run(["features", videoOnly.path, "--frames-out", frames.path, "--crop-size", "16"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try NPYFile.read(from: frames).shape == [25, 3, 16, 16])
        let mel = folder.appendingPathComponent("mel.npy")
        let refused = try CommandRunner.run(["features", videoOnly.path, "--mel-out", mel.path])
        #expect(refused.status == 1 && refused.stderr.contains("no decodable audio"))
    }

    @Test func audioOnlyStillGivesMel() throws {
        let folder = try CommandRunner.folder()
        let audioOnly = folder.appendingPathComponent("audio.mp4")
        try CommandRunner.writeClip(audioOnly, seconds: 1, video: false)
        let mel = folder.appendingPathComponent("mel.npy")
        let outcome = try CommandRunner.run(["features", audioOnly.path, "--mel-out", mel.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try NPYFile.read(from: mel).shape.first == 80)
    }

    @Test func benchMediaReportsRatios() throws {
        let folder = try CommandRunner.folder()
        let clip = folder.appendingPathComponent("c.mp4")
        try CommandRunner.writeClip(clip, seconds: 2)
        let outcome = try CommandRunner.run(["bench", "media", clip.path, "--json", "--repeats", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let json = try CommandRunner.json(outcome.stdout)
        #expect((json["decode_fps"] as? Double ?? 0) > 0)
        #expect((json["ffmpeg_decode_fps"] as? Double ?? 0) > 0)
        #expect((json["mel_ms_per_minute"] as? Double ?? 0) > 0)
        #expect(json["source_frames"] as? Int == 50)
    }

    @Test func benchAnalyzeReportsWallAndProcessorTime() throws {
        let folder = try CommandRunner.folder()
        let clip = folder.appendingPathComponent("a.mp4")
        try CommandRunner.writeClip(clip, seconds: 2)
        let outcome = try CommandRunner.run(["bench", "analyze", clip.path, "--json", "--repeats", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        let row = rows.first ?? [:]
        let wall = row["analysis_seconds"] as? Double ?? 0, cpu = row["analysis_cpu_seconds"] as? Double ?? 0
        #expect(wall > 0 && cpu > 0)
        #expect(row["framing"] as? String == "whole_frame" && row["tracking_cpu_overhead"] == nil)
        #expect(abs((row["clip_seconds"] as? Double ?? 0) - 2) < 0.05)
    }

    @Test func doctorReportsLibraries() throws {
        let outcome = try CommandRunner.run(["doctor"])
        #expect(outcome.status == 0)
        let json = try CommandRunner.json(outcome.stdout)
        #expect(json["h264_encoder"] as? Bool == true)
        #expect((json["fftw"] as? String ?? "").hasPrefix("fftw-3"))
        // The AVX-512 stem kernels: used wherever /proc/cpuinfo lists the flags (and the
        // environment, which the command inherits, does not turn them off), else said why not.
        let wide = json["avx512_kernels"] as? String
        #expect(wide == (Engine.usesWideKernels ? "used"
            : Engine.wideKernelsSupported ? "off (SYNCDEFENSE_WIDE_KERNELS=0)" : "not supported by this processor"))
        // The environment switch turns them off.
        let off = try CommandRunner.json(try CommandRunner.run(["doctor"], environment: ["SYNCDEFENSE_WIDE_KERNELS": "0"]).stdout)
        #expect(off["avx512_kernels"] as? String
            == (Engine.wideKernelsSupported ? "off (SYNCDEFENSE_WIDE_KERNELS=0)" : "not supported by this processor"))
    }
}
