/// What a clip is: the manipulation applied to a genuine recording.
public enum ManipulationKind: String, Codable, CaseIterable, Sendable {
    /// Untouched: the mouth follows the speech (with a natural 0–60 ms visual lead).
    case genuine
    /// Audio shifted by ±2…±15 frames (positive = audio leads video).
    case offset
    /// Audio from another utterance.
    case dub
    /// A 0.5–1.5 s segment of the audio replaced by another utterance.
    case partial
    /// Audio time-stretched 2–5 %, so the offset grows through the clip.
    case drift
    /// The mouth re-rendered to follow other audio and blended into the frames, as a lip-sync generator does.
    case lipsync
    /// Genuine sync with artifact-only tampering (warping, flicker) in a segment.
    case flicker

    public var isFake: Bool { self != .genuine }
}

/// One line of `manifest.jsonl`: a clip and its exact labels.
public struct ManifestEntry: Codable, Equatable, Sendable {
    /// Clip path relative to the manifest's folder.
    public var path: String
    /// 1 = manipulated, 0 = genuine.
    public var label: Int
    public var kind: ManipulationKind
    /// Audio offset in video frames, positive = audio leads video (`offset`; for `drift`, at the last frame).
    public var offsetFrames: Int?
    /// Manipulated frames `[start, end)` (`partial`, `flicker`).
    public var segment: [Int]?
    /// Per frame: 1 when mouth and audio are in sync (T values).
    public var frameSync: [Int]
    /// Per frame: 1 when the frame carries visual tampering (T values).
    public var frameArtifact: [Int]
    public var frames: Int
    public var speech: SpeechSource
    /// Second utterance used by `dub`, `partial`, `lipsync`.
    public var otherSpeech: SpeechSource?
    public var noise: NoiseKind?
    public var snrDB: Double?
    public var crf: Int
    /// How far the mouth leads the sound in the genuine rendering, milliseconds.
    public var visualLeadMs: Double
    /// Audio speed factor for `drift`.
    public var driftRate: Double?
    /// Seed of this clip's generator.
    public var seed: UInt64
    public var generator: String

    enum CodingKeys: String, CodingKey {
        case path, label, kind
        case offsetFrames = "offset_frames"
        case segment
        case frameSync = "frame_sync"
        case frameArtifact = "frame_artifact"
        case frames, speech
        case otherSpeech = "other_speech"
        case noise
        case snrDB = "snr_db"
        case crf
        case visualLeadMs = "visual_lead_ms"
        case driftRate = "drift_rate"
        case seed, generator
    }

    /// Every key is written, absent values as `null`, so each line has the same fields.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(label, forKey: .label)
        try container.encode(kind, forKey: .kind)
        try container.encode(offsetFrames, forKey: .offsetFrames)
        try container.encode(segment, forKey: .segment)
        try container.encode(frameSync, forKey: .frameSync)
        try container.encode(frameArtifact, forKey: .frameArtifact)
        try container.encode(frames, forKey: .frames)
        try container.encode(speech, forKey: .speech)
        try container.encode(otherSpeech, forKey: .otherSpeech)
        try container.encode(noise, forKey: .noise)
        try container.encode(snrDB, forKey: .snrDB)
        try container.encode(crf, forKey: .crf)
        try container.encode(visualLeadMs, forKey: .visualLeadMs)
        try container.encode(driftRate, forKey: .driftRate)
        try container.encode(seed, forKey: .seed)
        try container.encode(generator, forKey: .generator)
    }
}

/// Where a clip's speech came from.
public struct SpeechSource: Codable, Equatable, Sendable {
    /// "espeak-ng" or "recorded".
    public var source: String
    /// espeak-ng's voice; for recorded speech the Debian package as `name` (rate, pitch, range 0).
    public var voice: VoiceSettings
    public var text: String
    /// Recorded speech: the files used, in order, as "<package>:<path>"; null for espeak-ng.
    public var files: [String]?
    /// Start of the clip within the utterance, seconds.
    public var startSeconds: Double

    enum CodingKeys: String, CodingKey {
        case source, voice, text, files
        case startSeconds = "start_seconds"
    }

    /// Every key is written (`files` as null for espeak-ng).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(voice, forKey: .voice)
        try container.encode(text, forKey: .text)
        try container.encode(files, forKey: .files)
        try container.encode(startSeconds, forKey: .startSeconds)
    }
}
