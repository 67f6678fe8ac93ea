import Foundation

/// One clip of a training manifest (a JSON line; `Docs/training.md` documents the form).
/// Only the fields training needs are read; others (speech, noise, seeds) are ignored.
public struct TrainingExample: Codable, Sendable, Equatable {
    /// Path as written in the manifest (relative to the manifest's folder, or absolute).
    public var path: String
    /// 1 = manipulated, 0 = genuine.
    public var label: Int
    /// Manipulation kind ("genuine", "offset", …); any string is accepted.
    public var kind: String
    /// Audio offset in frames, positive = audio leads (offset clips; drift: at the last frame).
    public var offsetFrames: Int?
    /// Per frame: 1 = mouth and audio in sync; nil = no per-frame sync labels.
    public var frameSync: [Int]?
    /// Per frame: 1 = visually tampered; nil = no per-frame artifact labels.
    public var frameArtifact: [Int]?
    /// Background-noise SNR in dB, nil = clean.
    public var snrDB: Double?
    /// Who speaks, for per-speaker results: the manifest's `speaker`, or from the synth's `speech`
    /// object "espeak-ng <base voice>" (variant dropped) or "recorded <package>"; nil = unknown.
    public var speaker: String?
    /// The clip's file, resolved against the manifest's folder.
    public var url: URL = URL(fileURLWithPath: "/")

    enum CodingKeys: String, CodingKey {
        case path, label, kind, speaker
        case offsetFrames = "offset_frames"
        case frameSync = "frame_sync"
        case frameArtifact = "frame_artifact"
        case snrDB = "snr_db"
    }

    public init(path: String, label: Int, kind: String, offsetFrames: Int? = nil, frameSync: [Int]? = nil,
                frameArtifact: [Int]? = nil, snrDB: Double? = nil, speaker: String? = nil, url: URL) {
        self.speaker = speaker
        self.path = path
        self.label = label
        self.kind = kind
        self.offsetFrames = offsetFrames
        self.frameSync = frameSync
        self.frameArtifact = frameArtifact
        self.snrDB = snrDB
        self.url = url
    }

    /// The synth's `speech` object: `source` and `voice.name` are all a speaker needs.
    private enum SpeechKeys: String, CodingKey { case speech, source, voice, name }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        label = try container.decode(Int.self, forKey: .label)
        kind = try container.decode(String.self, forKey: .kind)
        offsetFrames = try container.decodeIfPresent(Int.self, forKey: .offsetFrames)
        frameSync = try container.decodeIfPresent([Int].self, forKey: .frameSync)
        frameArtifact = try container.decodeIfPresent([Int].self, forKey: .frameArtifact)
        snrDB = try container.decodeIfPresent(Double.self, forKey: .snrDB)
        speaker = try container.decodeIfPresent(String.self, forKey: .speaker)
        if speaker == nil {
            let outer = try decoder.container(keyedBy: SpeechKeys.self)
            if let speech = try? outer.nestedContainer(keyedBy: SpeechKeys.self, forKey: .speech),
               let source = try? speech.decode(String.self, forKey: .source) {
                let voice = (try? speech.nestedContainer(keyedBy: SpeechKeys.self, forKey: .voice))
                    .flatMap { try? $0.decode(String.self, forKey: .name) }
                let base = voice.map { $0.split(separator: "+", maxSplits: 1).first.map(String.init) ?? $0 }
                speaker = base.map { "\(source) \($0)" } ?? source
            }
        }
    }

    public var isFake: Bool { label != 0 }
    /// Genuine speech in sync: joins the contrastive loss.
    public var isGenuine: Bool { label == 0 }
}

/// Why a manifest could not be used.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case unreadableManifest(path: String, reason: String)
    case badManifestLine(path: String, line: Int, reason: String)
    case emptyManifest(path: String)
    case badCache(path: String, reason: String)
    case badPlan(String)
    case badCheckpoint(path: String, reason: String)
    case notEnoughData(String)
    case lossDidNotFall(first: Float, last: Float)

    public var description: String {
        switch self {
        case let .unreadableManifest(path, reason): return "cannot read manifest \(path): \(reason)"
        case let .badManifestLine(path, line, reason): return "\(path):\(line): \(reason)"
        case let .emptyManifest(path): return "manifest \(path) lists no clips"
        case let .badCache(path, reason): return "feature cache \(path) is unusable (\(reason)); delete it and run again"
        case let .badPlan(reason): return "training plan: \(reason)"
        case let .badCheckpoint(path, reason): return "checkpoint \(path): \(reason)"
        case let .notEnoughData(reason): return "not enough data: \(reason)"
        case let .lossDidNotFall(first, last):
            return String(format: "smoke test failed: the loss did not fall (first steps %.4f, last steps %.4f)", first, last)
        }
    }
}

/// Reads manifests (JSON Lines).
public enum TrainingManifest {
    /// The examples of `url`, paths resolved against its folder.
    /// - Throws: `TrainingError` naming the file and line of the first bad entry.
    public static func load(_ url: URL) throws -> [TrainingExample] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TrainingError.unreadableManifest(path: url.path, reason: error.localizedDescription)
        }
        let folder = url.deletingLastPathComponent()
        var examples: [TrainingExample] = []
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            var example: TrainingExample
            do { example = try decoder.decode(TrainingExample.self, from: Data(trimmed.utf8)) } catch {
                throw TrainingError.badManifestLine(path: url.path, line: index + 1, reason: "not a manifest entry (\(error))")
            }
            guard example.label == 0 || example.label == 1 else {
                throw TrainingError.badManifestLine(path: url.path, line: index + 1, reason: "label must be 0 or 1, not \(example.label)")
            }
            example.url = example.path.hasPrefix("/") ? URL(fileURLWithPath: example.path)
                : folder.appendingPathComponent(example.path)
            examples.append(example)
        }
        guard !examples.isEmpty else { throw TrainingError.emptyManifest(path: url.path) }
        return examples
    }
}
