import ArgumentParser
import Dispatch
import Features
import Foundation
import Media

/// `syncdefense bench media FILE`: ingest throughput next to the ffmpeg CLI's,
/// and log-mel cost next to librosa's where it is installed.
struct BenchMedia: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Decode throughput against `ffmpeg -i FILE -f null -`, and log-mel time per minute of audio."
    )

    @Argument(help: "The media file to decode.")
    var file: String

    @Option(help: "Runs of each measurement; the fastest counts.")
    var repeats: Int = 3

    @Option(name: .customLong("crop-size"), help: "Side of the square crop our pipeline produces.")
    var cropSize: Int = 96

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var limits: MediaLimitOptions

    func validate() throws {
        guard (1...50).contains(repeats) else { throw ValidationError("--repeats must be 1…50") }
    }

    struct Result: Encodable {
        var file: String
        var sourceFrames: Int
        var durationSeconds: Double
        var decodeSeconds: Double
        var decodeFPS: Double
        var ffmpegSeconds: Double?
        var ffmpegDecodeFPS: Double?
        var decodeRatio: Double?
        var melMillisecondsPerMinute: Double
        var librosaMillisecondsPerMinute: Double?
        var melSpeedupOverLibrosa: Double?

        enum CodingKeys: String, CodingKey {
            case file
            case sourceFrames = "source_frames"
            case durationSeconds = "duration_seconds"
            case decodeSeconds = "decode_seconds"
            case decodeFPS = "decode_fps"
            case ffmpegSeconds = "ffmpeg_seconds"
            case ffmpegDecodeFPS = "ffmpeg_decode_fps"
            case decodeRatio = "decode_ratio"
            case melMillisecondsPerMinute = "mel_ms_per_minute"
            case librosaMillisecondsPerMinute = "librosa_ms_per_minute"
            case melSpeedupOverLibrosa = "mel_speedup_over_librosa"
        }
    }

    func run() async throws {
        let limits = limits.limits
        _ = try MediaProbe.probe(file, limits: limits)

        var best = Double.infinity
        var sourceFrames = 0
        var audio: [Float] = []
        for _ in 0..<repeats {
            let started = DispatchTime.now()
            let (frames, samples) = try ingest(limits: limits)
            best = min(best, seconds(since: started))
            sourceFrames = frames
            audio = samples
        }
        let ffmpegSeconds = try timeFFmpeg()

        let spectrogram = try LogMelSpectrogram()
        var melBest = Double.infinity
        if !audio.isEmpty {
            for _ in 0..<repeats {
                let started = DispatchTime.now()
                _ = try spectrogram(audio)
                melBest = min(melBest, seconds(since: started))
            }
        }
        let minutes = Double(audio.count) / Double(TimeConventions.audioSampleRate) / 60
        let melPerMinute = minutes > 0 ? melBest * 1000 / minutes : 0
        let librosa = minutes > 0 ? try? timeLibrosa(audio) : nil
        let librosaPerMinute = librosa.map { $0 * 1000 / minutes }

        let result = Result(
            file: file, sourceFrames: sourceFrames,
            durationSeconds: Double(audio.count) / Double(TimeConventions.audioSampleRate),
            decodeSeconds: best, decodeFPS: Double(sourceFrames) / best,
            ffmpegSeconds: ffmpegSeconds, ffmpegDecodeFPS: ffmpegSeconds.map { Double(sourceFrames) / $0 },
            decodeRatio: ffmpegSeconds.map { $0 / best },
            melMillisecondsPerMinute: melPerMinute, librosaMillisecondsPerMinute: librosaPerMinute,
            melSpeedupOverLibrosa: librosaPerMinute.map { $0 / melPerMinute })
        if json {
            try JSONOutput.print(result)
        } else {
            print(String(format: "decode   ours   %8.1f source frames/s  (%d frames in %.3f s: 25 fps %dx%d RGB crops + 16 kHz mono audio)",
                         result.decodeFPS, sourceFrames, best, cropSize, cropSize))
            if let ffmpegFPS = result.ffmpegDecodeFPS, let ratio = result.decodeRatio {
                print(String(format: "decode   ffmpeg %8.1f source frames/s  (ffmpeg -i FILE -f null -)   ratio ours/ffmpeg = %.2f", ffmpegFPS, ratio))
            } else {
                print("decode   ffmpeg CLI not found: ratio skipped")
            }
            print(String(format: "log-mel  ours   %8.2f ms per minute of audio", melPerMinute))
            if let librosaPerMinute, let speedup = result.melSpeedupOverLibrosa {
                print(String(format: "log-mel  librosa %7.2f ms per minute of audio   ours is %.1f× faster", librosaPerMinute, speedup))
            } else {
                print("log-mel  librosa not importable by python3: comparison skipped")
            }
        }
    }

    /// Our full ingest: video to 25 fps crops and audio to 16 kHz mono, concurrently.
    /// - Returns: source frames decoded and the audio samples.
    private func ingest(limits: MediaLimits) throws -> (Int, [Float]) {
        let file = self.file
        let cropSize = self.cropSize
        let audioResult = AudioBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            audioResult.result = Swift.Result { try AudioReader(path: file, options: AudioReadOptions(limits: limits)).readAll() }
        }
        let reader = try VideoReader(path: file, options: VideoReadOptions(
            outputSize: .init(width: cropSize, height: cropSize), limits: limits))
        while try reader.next() != nil {}
        group.wait()
        let audio = (try? audioResult.result?.get()) ?? []
        return (reader.sourceFramesDecoded, audio)
    }

    /// Best wall time of `ffmpeg -i FILE -f null -`, or nil without the CLI.
    private func timeFFmpeg() throws -> Double? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else { return nil }
        var best = Double.infinity
        for _ in 0..<repeats {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
            process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file, "-f", "null", "-"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let started = DispatchTime.now()
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            best = min(best, seconds(since: started))
        }
        return best
    }

    /// Best time librosa takes for the same log-mel, or nil when it cannot run.
    private func timeLibrosa(_ audio: [Float]) throws -> Double? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("audio.npy")
        try NPYFile.write(try NPYArray(shape: [audio.count], values: audio), to: input)
        let script = """
        import sys, time, numpy as np, librosa
        y = np.load(sys.argv[1]); best = 1e9
        for _ in range(\(repeats) + 1):
            t = time.perf_counter()
            m = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, hop_length=160, win_length=400, window="hann", center=True, pad_mode="constant", power=2.0, n_mels=80, fmin=0, fmax=8000, htk=False, norm="slaney")
            np.log(m + 1e-6)
            best = min(best, time.perf_counter() - t)
        print(best)
        """
        return try PythonReference.output(of: script, arguments: [input.path]).flatMap(Double.init)
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// Carries the audio thread's result back to the caller.
private final class AudioBox: @unchecked Sendable {
    var result: Swift.Result<[Float], Error>?
}
