/// The model's explanation taps kept for the workbench and reports (optional: large for long clips).
public struct Explanations: Sendable, Hashable, Codable {
    /// Cross-attention of one window: `heads × T × T`, row-major per head, row = query frame.
    public struct WindowAttention: Sendable, Hashable, Codable {
        public var window: Int
        public var start: Int
        public var frames: Int
        public var heads: Int
        /// Video queries over audio keys, and audio queries over video keys.
        public var videoToAudio: [Float]
        public var audioToVideo: [Float]

        enum CodingKeys: String, CodingKey {
            case window, start, frames, heads
            case videoToAudio = "video_to_audio", audioToVideo = "audio_to_video"
        }
    }

    public var attention: [WindowAttention]
    /// Artifact logits per location per frame, `(T, h, w)` row-major, stitched over windows.
    public var artifactMapHeight: Int
    public var artifactMapWidth: Int
    public var artifactMaps: [Float]
    /// Per-frame mouth opening (model-free cue) and voice activity.
    public var mouthOpening: [Float]
    public var speech: [Bool]

    enum CodingKeys: String, CodingKey {
        case attention, artifactMapHeight = "artifact_map_height", artifactMapWidth = "artifact_map_width"
        case artifactMaps = "artifact_maps", mouthOpening = "mouth_opening", speech
    }
}
