import Dispatch
import Foundation
import Media

/// Writes a synthetic corpus to a folder: `clips/NNNNNN.mp4` with a sidecar
/// `clips/NNNNNN.json` each, then `manifest.jsonl` (one ``ManifestEntry`` per
/// line, in index order) and `corpus.json` (settings, counts, manifest SHA-256).
///
/// Each clip is written atomically and its sidecar last, so an interrupted run
/// resumes where it stopped: clips whose sidecar exists are kept.
public struct CorpusWriter: Sendable {
    public var folder: URL
    public var count: Int
    public var seed: UInt64
    public var configuration: SynthConfiguration
    public var jobs: Int

    public init(folder: URL, count: Int, seed: UInt64, configuration: SynthConfiguration, jobs: Int) {
        self.folder = folder
        self.count = count
        self.seed = seed
        self.configuration = configuration
        self.jobs = max(1, jobs)
    }

    /// What a run did.
    public struct Summary: Codable, Sendable {
        public var made: Int
        public var reused: Int
        public var seconds: Double
        public var manifestSHA256: String?
        public var kinds: [String: Int]
        public var stopped: Bool

        enum CodingKeys: String, CodingKey {
            case made, reused, seconds
            case manifestSHA256 = "manifest_sha256"
            case kinds, stopped
        }
    }

    /// Makes every missing clip, then the manifest.
    /// - Parameters:
    ///   - shouldStop: Polled between clips; when it returns true the run stops (resumable).
    ///   - progress: Called after each clip with (done, total).
    public func run(shouldStop: @escaping @Sendable () -> Bool = { false },
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        let clips = folder.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)
        // Temporary files of clips whose writing was cut off (a second Ctrl-C, a crash).
        for name in try FileManager.default.contentsOfDirectory(atPath: clips.path) where name.hasPrefix(".") && name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(at: clips.appendingPathComponent(name))
        }
        try writeSettings()
        let started = DispatchTime.now()
        let state = RunState()
        let pending = (0..<count).filter { !FileManager.default.fileExists(atPath: sidecar($0).path) }
        state.reused = count - pending.count
        let folder = self.folder, seed = self.seed, configuration = self.configuration
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while let index = state.take(from: pending) {
                if shouldStop() || state.hasFailed { return }
                do {
                    let clip = try ClipGenerator.make(index: index, seed: seed, configuration: configuration)
                    try CorpusWriter.encode(clip, to: folder.appendingPathComponent(clip.entry.path), configuration: configuration)
                    let data = try CorpusWriter.encoder.encode(clip.entry)
                    try data.write(to: CorpusWriter.sidecar(index, in: folder), options: .atomic)
                    progress(state.finish(), pending.count)
                } catch {
                    state.fail(error)
                }
            }
        }
        if let failure = state.failure { throw failure }
        var summary = Summary(made: state.made, reused: state.reused,
                              seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9,
                              manifestSHA256: nil, kinds: [:], stopped: shouldStop())
        guard !summary.stopped else { return summary }
        let (hash, kinds) = try writeManifest()
        summary.manifestSHA256 = hash
        summary.kinds = kinds
        return summary
    }

    /// Concatenates the sidecars into `manifest.jsonl` and records its hash.
    private func writeManifest() throws -> (String, [String: Int]) {
        var lines = Data()
        var kinds: [String: Int] = [:]
        for index in 0..<count {
            let data = try Data(contentsOf: sidecar(index))
            let entry = try JSONDecoder().decode(ManifestEntry.self, from: data)
            kinds[entry.kind.rawValue, default: 0] += 1
            lines.append(data)
            lines.append(0x0A)
        }
        try lines.write(to: folder.appendingPathComponent("manifest.jsonl"), options: .atomic)
        let hash = SHA256.hex(lines)
        var corpus = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("corpus.json"))) as? [String: Any] ?? [:]
        corpus["manifest_sha256"] = hash
        corpus["kinds"] = kinds
        try JSONSerialization.data(withJSONObject: corpus, options: [.prettyPrinted, .sortedKeys])
            .write(to: folder.appendingPathComponent("corpus.json"), options: .atomic)
        return (hash, kinds)
    }

    /// `corpus.json`: how to make this corpus again. A folder made with other settings is refused.
    private func writeSettings() throws {
        let url = folder.appendingPathComponent("corpus.json")
        let settings: [String: Any] = [
            "generator": SynthConfiguration.generatorVersion, "seed": seed, "count": count,
            "configuration": try JSONSerialization.jsonObject(with: CorpusWriter.encoder.encode(configuration)),
        ]
        if let existing = try? JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] {
            let same = (existing["seed"] as? NSNumber)?.uint64Value == seed
                && existing["generator"] as? String == SynthConfiguration.generatorVersion
                && NSDictionary(dictionary: existing["configuration"] as? [String: Any] ?? [:]).isEqual(to: settings["configuration"] as? [String: Any] ?? [:])
            guard same else {
                throw SynthesisError.corpusMismatch(folder.path)
            }
        }
        try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys]).write(to: url, options: .atomic)
    }

    private func sidecar(_ index: Int) -> URL { CorpusWriter.sidecar(index, in: folder) }

    static func sidecar(_ index: Int, in folder: URL) -> URL {
        folder.appendingPathComponent(String(format: "clips/%06d.json", index))
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes a clip to H.264/AAC MP4 at its CRF.
    public static func encode(_ clip: SyntheticClip, to url: URL, configuration: SynthConfiguration) throws {
        let writer = try MP4Writer(
            path: url.path,
            video: MP4Writer.Video(width: configuration.size, height: configuration.size, crf: clip.entry.crf, preset: configuration.preset),
            audio: MP4Writer.Audio(sampleRate: TimeConventions.audioSampleRate, channels: 1, bitRate: 64_000))
        let perFrame = TimeConventions.samplesPerVideoFrame
        for (n, frame) in clip.frames.enumerated() {
            try writer.append(frame)
            try writer.append(audio: Array(clip.audio[(n * perFrame)..<((n + 1) * perFrame)]))
        }
        try writer.finish()
    }
}

/// Shared bookkeeping of the worker threads.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    var made = 0
    var reused = 0
    var failure: Error?

    func take(from pending: [Int]) -> Int? {
        lock.withLock {
            guard next < pending.count else { return nil }
            defer { next += 1 }
            return pending[next]
        }
    }

    func finish() -> Int { lock.withLock { made += 1; return made } }

    func fail(_ error: Error) { lock.withLock { if failure == nil { failure = error } } }

    var hasFailed: Bool { lock.withLock { failure != nil } }
}
