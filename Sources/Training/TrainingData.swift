import Forensics
import Foundation
import Media
import Model
import Tensor

/// The decoded corpus in memory: every clip's features, split into training and validation clips.
public struct TrainingData: Sendable {
    public let examples: [TrainingExample]
    public let features: [ClipFeatures]
    /// Indices into `examples`.
    public let training: [Int]
    public let validation: [Int]
    public let trainingGenuine: [Int]
    /// Clips that could not be decoded, with the reason (they are left out).
    public let skipped: [(path: String, reason: String)]
    /// SHA-256 over the sorted clip hashes (names the corpus in the model card).
    public let corpusSHA256: String

    /// Decodes (or reads from `cache`) every clip of `examples`, `jobs` at a time.
    /// - Parameters:
    ///   - windowFrames: clips shorter than this are left out.
    ///   - validationFraction: share of clips held out, chosen by a hash of the path (stable
    ///     whatever the order or count of the other clips).
    ///   - progress: called with (done, total) as clips finish.
    /// - Throws: `TrainingError.notEnoughData` when nothing usable remains.
    public static func load(_ examples: [TrainingExample], cache: FeatureCache, windowFrames: Int, validationFraction: Double,
                            jobs: Int, progress: @Sendable (Int, Int) -> Void) throws -> TrainingData {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var features: [ClipFeatures?]
            var hashes: [String?]
            var errors: [String?]
            var done = 0
            init(_ n: Int) { features = Array(repeating: nil, count: n); hashes = Array(repeating: nil, count: n); errors = Array(repeating: nil, count: n) }
        }
        let results = Results(examples.count)
        let next = WorkCounter()
        DispatchQueue.concurrentPerform(iterations: max(1, jobs)) { _ in
            while let i = next.take(below: examples.count) {
                var outcome: (ClipFeatures?, String?, String?)
                do {
                    let hash = try SHA256.hex(fileAt: examples[i].url)
                    let f = try cache.features(of: examples[i].url, sha256: hash)
                    outcome = f.frameCount >= windowFrames ? (f, hash, nil) : (nil, nil, "\(f.frameCount) frames, shorter than a \(windowFrames)-frame window")
                } catch {
                    outcome = (nil, nil, "\(error)")
                }
                results.lock.withLock {
                    results.features[i] = outcome.0
                    results.hashes[i] = outcome.1
                    results.errors[i] = outcome.2
                    results.done += 1
                }
                progress(results.lock.withLock { results.done }, examples.count)
            }
        }
        var kept: [TrainingExample] = [], features: [ClipFeatures] = [], hashes: [String] = []
        var skipped: [(String, String)] = []
        for i in examples.indices {
            if let f = results.features[i], let h = results.hashes[i] {
                kept.append(examples[i]); features.append(f); hashes.append(h)
            } else {
                skipped.append((examples[i].path, results.errors[i] ?? "unknown error"))
            }
        }
        guard !kept.isEmpty else { throw TrainingError.notEnoughData("no clip of \(examples.count) could be used: \(skipped.first?.1 ?? "")") }
        var training: [Int] = [], validation: [Int] = []
        for (i, e) in kept.enumerated() {
            if Double(stableHash(e.path) % 10_000) < validationFraction * 10_000 { validation.append(i) } else { training.append(i) }
        }
        guard !training.isEmpty else { throw TrainingError.notEnoughData("every clip fell in the validation split") }
        var digest = SHA256()
        digest.update(Data(hashes.sorted().joined(separator: "\n").utf8))
        let corpus = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return TrainingData(examples: kept, features: features, training: training, validation: validation,
                            trainingGenuine: training.filter { kept[$0].isGenuine }, skipped: skipped, corpusSHA256: corpus)
    }

    /// FNV-1a of the path's bytes.
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    /// The input normalisation measured on the training clips.
    public func measuredNormalization() -> InputNormalization {
        let f = training.map { features[$0] }
        return InputNormalization.measure(mel: f.map(\.mel), crops: f.map(\.crops), plane: (f.first?.cropHeight ?? 1) * (f.first?.cropWidth ?? 1))
    }
}

/// A shared work counter for parallel loops: each call hands out the next index below `limit`.
public final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    public init() {}
    public func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
