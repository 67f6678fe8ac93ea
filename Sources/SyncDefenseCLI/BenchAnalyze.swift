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
        Without files: Samples/genuine.mp4 (3 s), a 60 s clip made from it with the ffmpeg CLI \
        (-stream_loop, stream copy), and — where Debian's libdlib19.1 example photos are installed — \
        a 60 s 1280×720 talking head (that clip pasted over the lips of a photographed face, \
        ffmpeg CLI overlay). Prints, per clip, the best of --repeats runs: clip_seconds, \
        analysis_seconds, realtime_factor (clip / analysis) and ffmpeg_decode_seconds (the reference: \
        `ffmpeg -i FILE -f null -` on the same file). For clips where faces were tracked, also \
        fixed_region_seconds (the same analysis with the tracked median mouth region given as --roi) \
        and tracking_overhead = analysis / fixed_region − 1. Each run's processor time (all threads, \
        getrusage) is reported too — analysis_cpu_seconds, fixed_region_cpu_seconds and \
        tracking_cpu_overhead — as it varies less than wall time when other work shares the machine.
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
        var framing: String
        var fixedRegionSeconds: Double?
        var trackingOverhead: Double?
        /// Processor time of the fastest run (all threads), and the tracking overhead in it: less
        /// sensitive than wall time to other work on a shared machine.
        var analysisCPUSeconds: Double
        var fixedRegionCPUSeconds: Double?
        var trackingCPUOverhead: Double?
        enum CodingKeys: String, CodingKey {
            case file, clipSeconds = "clip_seconds", analysisSeconds = "analysis_seconds", realtimeFactor = "realtime_factor"
            case ffmpegDecodeSeconds = "ffmpeg_decode_seconds", analysisOverDecode = "analysis_over_decode"
            case framing, fixedRegionSeconds = "fixed_region_seconds", trackingOverhead = "tracking_overhead"
            case analysisCPUSeconds = "analysis_cpu_seconds", fixedRegionCPUSeconds = "fixed_region_cpu_seconds"
            case trackingCPUOverhead = "tracking_cpu_overhead"
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
            let head = folder.appendingPathComponent("talking-head-720p.mp4").path
            if FileManager.default.fileExists(atPath: Self.photo), clips.count == 2, try Self.talkingHead(from: long, to: head) {
                clips.append(head)
            }
        }
        let analyzer = try AnalyzerFactory.make(weights: weights).analyzer
        var rows: [Row] = []
        for file in clips {
            let first = try analyzer.analyze(path: file) // warm-up: page cache, buffer pools
            /// The fastest run's wall and processor seconds.
            func time(_ options: AnalysisOptions) throws -> (wall: Double, cpu: Double, frames: Int) {
                var best = (wall: Double.infinity, cpu: Double.infinity)
                var frames = 0
                for _ in 0..<max(1, repeats) {
                    let started = DispatchTime.now(), cpuStarted = Self.processorSeconds()
                    let analysis = try analyzer.analyze(path: file, options: options)
                    let wall = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                    if wall < best.wall { best = (wall, Self.processorSeconds() - cpuStarted) }
                    frames = analysis.clip.frames
                }
                return (best.wall, best.cpu, frames)
            }
            let (best, cpu, frames) = try time(AnalysisOptions())
            var fixed: (wall: Double, cpu: Double, frames: Int)?
            if first.mouth?.mode == .tracked, let region = first.mouth?.typicalRegion {
                var options = AnalysisOptions()
                options.region = region
                fixed = try time(options)
            }
            var decode = Double.infinity
            for _ in 0..<max(1, repeats) {
                let started = DispatchTime.now()
                guard try Self.ffmpeg(["-i", file, "-f", "null", "-"]) else { decode = .nan; break }
                decode = min(decode, Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
            }
            let seconds = Double(frames) / 25
            rows.append(Row(file: file, clipSeconds: seconds, analysisSeconds: best, realtimeFactor: seconds / best,
                            ffmpegDecodeSeconds: decode.isFinite ? decode : nil, analysisOverDecode: decode.isFinite ? best / decode : nil,
                            framing: first.mouth?.mode.rawValue ?? "whole_frame", fixedRegionSeconds: fixed?.wall,
                            trackingOverhead: fixed.map { best / $0.wall - 1 }, analysisCPUSeconds: cpu,
                            fixedRegionCPUSeconds: fixed?.cpu, trackingCPUOverhead: fixed.map { cpu / $0.cpu - 1 }))
        }
        if json { try JSONOutput.print(rows); return }
        print("clip                    seconds  analysis s  × real time  ffmpeg decode s  analysis / decode  framing      with --roi s  tracking overhead  CPU s (--roi)    CPU overhead")
        for r in rows {
            print(URL(fileURLWithPath: r.file).lastPathComponent.padding(toLength: 23, withPad: " ", startingAt: 0)
                  + String(format: " %7.2f  %10.3f  %11.1f  %15@  %17@  %@  %12@  %17@", r.clipSeconds, r.analysisSeconds, r.realtimeFactor,
                           r.ffmpegDecodeSeconds.map { String(format: "%.3f", $0) } ?? "—",
                           r.analysisOverDecode.map { String(format: "%.1f", $0) } ?? "—",
                           r.framing.padding(toLength: 11, withPad: " ", startingAt: 0),
                           r.fixedRegionSeconds.map { String(format: "%.3f", $0) } ?? "—",
                           r.trackingOverhead.map { String(format: "%+.0f %%", $0 * 100) } ?? "—")
                  + String(format: "  %6.2f (%@)  %@", r.analysisCPUSeconds, r.fixedRegionCPUSeconds.map { String(format: "%.2f", $0) } ?? "—",
                           r.trackingCPUOverhead.map { String(format: "%+.0f %%", $0 * 100) } ?? "—"))
        }
    }

    /// Processor seconds used so far by this process, all threads (user + system).
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
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

    /// dlib's example photo with six faces (Debian libdlib19.1).
    static let photo = "/usr/share/doc/libdlib19.1/examples/faces/2008_002470.jpg"

    /// A 1280×720 talking head: the photo scaled 2.56× and cropped, `clip` (a mouth-centred clip)
    /// scaled to 88 px and laid over the first face's lips. The lips' centre (299.6, 217.8) and
    /// corner-to-corner width (19.0 px) are dlib's landmark annotation of that face; 88 px ≈
    /// 19.0 × 2.56 / 0.56, the corpus's mouth-to-crop ratio.
    static func talkingHead(from clip: String, to path: String) throws -> Bool {
        try ffmpeg(["-loop", "1", "-framerate", "25", "-i", photo, "-i", clip, "-filter_complex",
                    "[0:v]scale=1280:850,crop=1280:720:0:130,format=yuv420p[bg];[1:v]scale=88:88[m];[bg][m]overlay=723:384:shortest=1[v]",
                    "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-c:a", "aac", "-shortest", path])
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
