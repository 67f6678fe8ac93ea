/// The whole result of analysing one clip, as one Codable value.
///
/// JSON: the seed's four keys at the top level, exactly —
/// `is_real` (bool), `is_fake` (bool), `confidence` (0…1, the probability of the predicted class),
/// `manipulation_probability` (0…1; `null` when the clip has no speech, where `is_real` and
/// `is_fake` are both false and `confidence` is 0) — and everything else under further keys:
/// `verdict` (status, threshold, margin, uncertain, window probabilities and votes, aggregation),
/// `clip` (frames, duration, padding, window plan), `offset` (``OffsetSearch/Result``, with
/// `offset_frames`, `offset_ms`, `offset_convention`), `drift`, `segments`, `timelines`
/// (per-frame sync / gate / artifact), `model_free_cue` and `provenance`. See Docs/analysis.md.
public struct Analysis: Sendable, Hashable, Codable {
    /// Clip facts.
    public struct ClipInfo: Sendable, Hashable, Codable {
        public var frames: Int
        public var durationSeconds: Double
        public var padded: Bool
        public var windowFrames: Int
        public var hopFrames: Int
        public var windows: Int

        public init(plan: WindowPlan) {
            frames = plan.frameCount
            durationSeconds = Double(plan.frameCount) / 25
            padded = plan.isPadded
            windowFrames = plan.windowFrames
            hopFrames = plan.hopFrames
            windows = plan.windows.count
        }

        enum CodingKeys: String, CodingKey {
            case frames, durationSeconds = "duration_s", padded, windowFrames = "window_frames"
            case hopFrames = "hop_frames", windows
        }
    }

    /// Stitched per-frame series, `(T,)` each (absent when not computed).
    public struct Timelines: Sendable, Hashable, Codable {
        public var sync: [Float]?
        public var gate: [Float]?
        public var artifact: [Float]?
        public init(sync: [Float]? = nil, gate: [Float]? = nil, artifact: [Float]? = nil) {
            self.sync = sync
            self.gate = gate
            self.artifact = artifact
        }
    }

    /// Where the result came from. Hashes are lowercase hex SHA-256, nil until computed.
    public struct Provenance: Sendable, Hashable, Codable {
        public var inputSHA256: String?
        public var weightsSHA256: String?
        public var version: String
        public var preset: String?
        public var parameters: [String: String]
        public var wallTimeSeconds: Double?
        /// Of the wall time, the face-tracking pass (nil when no tracking ran).
        public var trackingSeconds: Double?

        public init(inputSHA256: String? = nil, weightsSHA256: String? = nil, version: String = "unknown",
                    preset: String? = nil, parameters: [String: String] = [:], wallTimeSeconds: Double? = nil) {
            self.inputSHA256 = inputSHA256
            self.weightsSHA256 = weightsSHA256
            self.version = version
            self.preset = preset
            self.parameters = parameters
            self.wallTimeSeconds = wallTimeSeconds
        }

        enum CodingKeys: String, CodingKey {
            case inputSHA256 = "input_sha256", weightsSHA256 = "weights_sha256", version, preset, parameters
            case wallTimeSeconds = "wall_time_s", trackingSeconds = "tracking_wall_time_s"
        }
    }

    public var verdict: Verdict
    public var clip: ClipInfo
    public var offset: OffsetSearch.Result?
    public var drift: [DriftCurve.Point]
    public var segments: [SegmentFinder.Segment]
    public var timelines: Timelines
    public var modelFreeCue: ModelFreeCue.Result?
    public var provenance: Provenance
    /// `(T)` voice activity per frame (frames without speech do not vote and cannot be flagged out of sync).
    public var speech: [Bool]?
    /// Attention maps, artifact maps and cues for the workbench and reports (nil unless asked for).
    public var explanations: Explanations?
    /// Where the mouth was looked for: mode, faces, the mouth region of every frame.
    public var mouth: MouthLocation?

    public init(verdict: Verdict, clip: ClipInfo, offset: OffsetSearch.Result? = nil, drift: [DriftCurve.Point] = [],
                segments: [SegmentFinder.Segment] = [], timelines: Timelines = Timelines(),
                modelFreeCue: ModelFreeCue.Result? = nil, provenance: Provenance = Provenance()) {
        self.verdict = verdict
        self.clip = clip
        self.offset = offset
        self.drift = drift
        self.segments = segments
        self.timelines = timelines
        self.modelFreeCue = modelFreeCue
        self.provenance = provenance
    }

    /// The seed's four values.
    public var isReal: Bool { verdict.isReal }
    public var isFake: Bool { verdict.isFake }
    public var confidence: Float { verdict.confidence }
    public var manipulationProbability: Float? { verdict.manipulationProbability }

    enum CodingKeys: String, CodingKey {
        case isReal = "is_real", isFake = "is_fake", confidence, manipulationProbability = "manipulation_probability"
        case verdict, clip, offset, drift, segments, timelines, modelFreeCue = "model_free_cue", provenance, speech, explanations
        case mouth
    }

    /// Keys repeated at the top level for scripts: the verdict's `uncertain` and the two hashes.
    enum SummaryKeys: String, CodingKey {
        case uncertain, inputSHA256 = "input_sha256", weightsSHA256 = "weights_sha256"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(verdict: try c.decode(Verdict.self, forKey: .verdict), clip: try c.decode(ClipInfo.self, forKey: .clip),
                  offset: try c.decodeIfPresent(OffsetSearch.Result.self, forKey: .offset),
                  drift: try c.decodeIfPresent([DriftCurve.Point].self, forKey: .drift) ?? [],
                  segments: try c.decodeIfPresent([SegmentFinder.Segment].self, forKey: .segments) ?? [],
                  timelines: try c.decodeIfPresent(Timelines.self, forKey: .timelines) ?? Timelines(),
                  modelFreeCue: try c.decodeIfPresent(ModelFreeCue.Result.self, forKey: .modelFreeCue),
                  provenance: try c.decode(Provenance.self, forKey: .provenance))
        speech = try c.decodeIfPresent([Bool].self, forKey: .speech)
        explanations = try c.decodeIfPresent(Explanations.self, forKey: .explanations)
        mouth = try c.decodeIfPresent(MouthLocation.self, forKey: .mouth)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(isReal, forKey: .isReal)
        try c.encode(isFake, forKey: .isFake)
        try c.encode(confidence, forKey: .confidence)
        if let p = manipulationProbability { try c.encode(p, forKey: .manipulationProbability) } else { try c.encodeNil(forKey: .manipulationProbability) }
        try c.encode(verdict, forKey: .verdict)
        try c.encode(clip, forKey: .clip)
        try c.encodeIfPresent(offset, forKey: .offset)
        try c.encode(drift, forKey: .drift)
        try c.encode(segments, forKey: .segments)
        try c.encode(timelines, forKey: .timelines)
        try c.encodeIfPresent(modelFreeCue, forKey: .modelFreeCue)
        try c.encode(provenance, forKey: .provenance)
        try c.encodeIfPresent(speech, forKey: .speech)
        try c.encodeIfPresent(mouth, forKey: .mouth)
        try c.encodeIfPresent(explanations, forKey: .explanations)
        var summary = encoder.container(keyedBy: SummaryKeys.self)
        try summary.encode(verdict.uncertain, forKey: .uncertain)
        try summary.encode(provenance.inputSHA256, forKey: .inputSHA256)
        try summary.encode(provenance.weightsSHA256, forKey: .weightsSHA256)
    }
}
