import ArgumentParser
import Dispatch
import Forensics
import Foundation
import Tensor

/// `syncdefense bench analyze`: end-to-end analysis time as a multiple of real time, beside the
/// ffmpeg CLI's decode-only time of the same file.
struct BenchAnalyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Time the whole analysis (decode, crops, log-mel, model, offset search) of clips.",
        discussion: """
        Without files: Samples/genuine.mp4 (3 s) and a 60 s clip made from it with the ffmpeg CLI \
        (-stream_loop, stream copy). Prints, per clip, the best of --repeats runs: clip_seconds, \
        analysis_seconds, realtime_factor (clip / analysis) and ffmpeg_decode_seconds (the reference: \
        `ffmpeg -i FILE -f null -` on the same file).
        """
    )

    @Argument(help: "Clips to time.")
    var files: [String] = []

    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: "Runs per clip (the best is kept).")
    var repeats: Int = 3

    @Option(help: "Engine threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print JSON.")
    var json = false

    struct Row: Encodable {
        var file: String
        var clipSeconds: Double
        var analysisSeconds: Double
        var realtimeFactor: Double
        var ffmpegDecodeSeconds: Double?
        var analysisOverDecode: Double?
        enum CodingKeys: String, CodingKey {
            case file, clipSeconds = "clip_seconds", analysisSeconds = "analysis_seconds", realtimeFactor = "realtime_factor"
            case ffmpegDecodeSeconds = "ffmpeg_decode_seconds", analysisOverDecode = "analysis_over_decode"
        }
    }

    func run() async throws {
        Engine.setThreadCount(threads)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-bench-analyze-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var clips = files
        if clips.isEmpty {
            let sample = try Self.sample()
            clips = [sample]
            let long = folder.appendingPathComponent("sixty-seconds.mp4").path
            if try Self.ffmpeg(["-stream_loop", "19", "-i", sample, "-c", "copy", long]) { clips.append(long) } else {
                printError("ffmpeg CLI not found: timing the 3 s clip only")
            }
        }
        let analyzer = try AnalyzerFactory.make(weights: weights).analyzer
        var rows: [Row] = []
        for file in clips {
            _ = try analyzer.analyze(path: file) // warm-up: page cache, buffer pools
            var best = Double.infinity
            var frames = 0
            for _ in 0..<max(1, repeats) {
                let started = DispatchTime.now()
                let analysis = try analyzer.analyze(path: file)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
                frames = analysis.clip.frames
            }
            var decode = Double.infinity
            for _ in 0..<max(1, repeats) {
                let started = DispatchTime.now()
                guard try Self.ffmpeg(["-i", file, "-f", "null", "-"]) else { decode = .nan; break }
                decode = min(decode, Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
            }
            let seconds = Double(frames) / 25
            rows.append(Row(file: file, clipSeconds: seconds, analysisSeconds: best, realtimeFactor: seconds / best,
                            ffmpegDecodeSeconds: decode.isFinite ? decode : nil, analysisOverDecode: decode.isFinite ? best / decode : nil))
        }
        if json { try JSONOutput.print(rows); return }
        print("clip                 seconds  analysis s  × real time  ffmpeg decode s  analysis / decode")
        for r in rows {
            print(URL(fileURLWithPath: r.file).lastPathComponent.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: " %7.2f  %10.3f  %11.1f  %15@  %17@", r.clipSeconds, r.analysisSeconds, r.realtimeFactor,
                           r.ffmpegDecodeSeconds.map { String(format: "%.3f", $0) } ?? "—",
                           r.analysisOverDecode.map { String(format: "%.1f", $0) } ?? "—"))
        }
    }

    /// Samples/genuine.mp4 from the working folder or beside the executable's build folder.
    static func sample() throws -> String {
        var candidates = [FileManager.default.currentDirectoryPath + "/Samples/genuine.mp4"]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("Samples/genuine.mp4").path)
            folder = folder.deletingLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ValidationError("no clip given and Samples/genuine.mp4 not found; pass files to time")
        }
        return found
    }

    /// Runs the ffmpeg CLI quietly; false when it is missing or fails.
    static func ffmpeg(_ arguments: [String]) throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
