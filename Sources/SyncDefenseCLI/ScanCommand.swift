import ArgumentParser
import Dispatch
import Forensics
import Foundation
import Media
import Tensor
import Training

/// `syncdefense scan`: batch detection over many files, one JSON line each, resumable and shardable.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Analyse every file of a folder (recursively) or a list, one JSON line per file.",
        discussion: """
        Each line: {"path", "sha256", "is_real", "is_fake", "confidence", "manipulation_probability", \
        "uncertain", "status", "offset_frames", "offset_ms", "segments", "error"}. A file that fails \
        gets its error and the scan goes on. Files whose SHA-256 is already in the output are skipped, \
        so running the same command again resumes. --shard i/N keeps the files whose position in the \
        sorted list is i modulo N (N machines, each with its own output). See Docs/scaling.md.
        """
    )

    @Argument(help: "A folder (searched recursively, hidden files skipped) or a text file with one path per line.")
    var input: String

    @Option(help: "Output JSON-lines file (appended to).")
    var out: String

    @Option(help: "Files analysed in parallel (each with one engine thread).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("This machine's share: i/N with 0 ≤ i < N.", valueName: "i/N"))
    var shard: String = "0/1"

    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: "Decision threshold (default: the one stored with the weights, else 0.5).")
    var threshold: Float?

    @OptionGroup var limits: MediaLimitOptions

    func parsedShard() throws -> (index: Int, count: Int) {
        let parts = shard.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
            throw ValidationError("--shard must be i/N with 0 ≤ i < N, e.g. 3/10")
        }
        return (parts[0], parts[1])
    }

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1…64") }
        _ = try parsedShard()
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be in 0…1") }
    }

    /// The files to scan, sorted.
    static func listFiles(_ input: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
            throw ValidationError("\(input) does not exist")
        }
        if isFolder.boolValue {
            let root = URL(fileURLWithPath: input)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
            var files: [String] = []
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append(url.path)
            }
            return files.sorted()
        }
        let text = try String(contentsOfFile: input, encoding: .utf8)
        let base = URL(fileURLWithPath: input).deletingLastPathComponent()
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.hasPrefix("/") ? $0 : base.appendingPathComponent($0).path }
    }

    /// SHA-256 values already recorded in `out`.
    static func done(in out: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: out, encoding: .utf8) else { return [] }
        var hashes = Set<String>()
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let hash = object["sha256"] as? String else { continue }
            hashes.insert(hash)
        }
        return hashes
    }

    func run() async throws {
        Engine.setThreadCount(1)
        let (index, count) = try parsedShard()
        let files = try Self.listFiles(input).enumerated().filter { $0.offset % count == index }.map(\.element)
        let already = Self.done(in: out)
        let weightsURL = try WeightsLocator.locate(weights)
        let analyzers = try (0..<jobs).map { _ in try Analyzer(weights: weightsURL, version: SyncDefenseVersion.string) }
        let chosenThreshold = threshold ?? analyzers[0].storedThreshold ?? 0.5
        if !FileManager.default.fileExists(atPath: out) { _ = FileManager.default.createFile(atPath: out, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        handle.seekToEndOfFile()
        let writer = LineWriter(handle: handle)
        let interrupt = InterruptFlag()
        let progress = ProgressLine(label: "files", total: files.count)
        let next = WorkCounter()
        let mediaLimits = limits.limits
        final class Tally: @unchecked Sendable { let lock = NSLock(); var done = 0, skipped = 0, failed = 0 }
        let tally = Tally()
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            while !interrupt.isSet, let i = next.take(below: files.count) {
                let path = files[i]
                var line = ScanLine(path: path)
                var skip = false
                do {
                    let hash = try SHA256.hex(fileAt: URL(fileURLWithPath: path))
                    line.sha256 = hash
                    if already.contains(hash) {
                        skip = true
                    } else {
                        var options = AnalysisOptions()
                        options.limits = mediaLimits
                        options.aggregator.threshold = chosenThreshold
                        line.fill(try analyzers[worker].analyze(path: path, options: options))
                    }
                } catch {
                    line.error = "\(error)"
                }
                if !skip { writer.write(line) }
                let done = tally.lock.withLock { () -> Int in
                    tally.done += 1
                    if skip { tally.skipped += 1 }
                    if line.error != nil { tally.failed += 1 }
                    return tally.done
                }
                progress.update(done, of: files.count)
            }
        }
        progress.finish()
        try handle.close()
        printError("scanned \(tally.done - tally.skipped) files, skipped \(tally.skipped) already in \(out), \(tally.failed) failed")
        if interrupt.isSet {
            printError("stopped; run the same command again to resume")
            throw ExitCode(130)
        }
    }
}

/// One output line of `scan`.
struct ScanLine: Encodable {
    var path: String
    var sha256: String?
    var isReal: Bool?
    var isFake: Bool?
    var confidence: Float?
    var manipulationProbability: Float?
    var uncertain: Bool?
    var status: String?
    var offsetFrames: Int?
    var offsetMilliseconds: Double?
    var segments: [SegmentFinder.Segment]?
    var weightsSHA256: String?
    var error: String?

    init(path: String) { self.path = path }

    mutating func fill(_ a: Analysis) {
        isReal = a.isReal
        isFake = a.isFake
        confidence = a.confidence
        manipulationProbability = a.manipulationProbability
        uncertain = a.verdict.uncertain
        status = a.verdict.status.rawValue
        offsetFrames = a.offset?.offsetFrames
        offsetMilliseconds = a.offset?.offsetMilliseconds
        segments = a.segments
        weightsSHA256 = a.provenance.weightsSHA256
    }

    enum CodingKeys: String, CodingKey {
        case path, sha256, isReal = "is_real", isFake = "is_fake", confidence, manipulationProbability = "manipulation_probability"
        case uncertain, status, offsetFrames = "offset_frames", offsetMilliseconds = "offset_ms", segments
        case weightsSHA256 = "weights_sha256", error
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(isReal, forKey: .isReal)
        try c.encode(isFake, forKey: .isFake)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(manipulationProbability, forKey: .manipulationProbability)
        try c.encode(uncertain, forKey: .uncertain)
        try c.encode(status, forKey: .status)
        try c.encode(offsetFrames, forKey: .offsetFrames)
        try c.encode(offsetMilliseconds, forKey: .offsetMilliseconds)
        try c.encode(segments, forKey: .segments)
        try c.encode(weightsSHA256, forKey: .weightsSHA256)
        try c.encode(error, forKey: .error)
    }
}

/// Appends whole lines under a lock (one write call per line, so lines never interleave).
final class LineWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    init(handle: FileHandle) { self.handle = handle }

    func write<T: Encodable>(_ value: T) {
        lock.withLock {
            guard var data = try? encoder.encode(value) else { return }
            data.append(0x0A)
            handle.write(data)
        }
    }
}
