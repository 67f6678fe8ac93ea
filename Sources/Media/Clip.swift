/// A decoded stretch of a file, ready for features: frames on the 25 fps
/// timeline and the 16 kHz mono audio that covers exactly those frames.
public struct Clip: Sendable {
    /// Index of the first frame on the 25 fps timeline.
    public let firstFrameIndex: Int
    /// T frames, each (H, W, 3).
    public let frames: [RGBImage]
    /// T·640 samples: sample `i` is at `firstFrameIndex·640 + i` on the 16 kHz timeline.
    public let audio: [Float]

    public var frameCount: Int { frames.count }

    /// A clip from frames and the audio that covers them (`frames.count · 640` samples).
    public init(firstFrameIndex: Int, frames: [RGBImage], audio: [Float]) {
        self.firstFrameIndex = firstFrameIndex
        self.frames = frames
        self.audio = audio
    }

    /// The frames as planar floats in [0, 1]: (T, 3, H, W).
    public func planarFrames() -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(frames.reduce(0) { $0 + $1.pixels.count })
        for frame in frames { out += frame.planarFloats() }
        return out
    }

    /// Loads the video and audio of `range` from `path`.
    ///
    /// The audio is taken for exactly the frames read: silence where the file's
    /// audio starts late or ends early.
    /// - Throws: ``MediaError`` when either stream is missing or undecodable.
    public static func load(path: String, options: VideoReadOptions = VideoReadOptions()) throws -> Clip {
        let frames = try VideoReader(path: path, options: options).readAll()
        guard let first = frames.first else {
            throw MediaError.noFramesDecoded(path: path, stream: "video frame in the requested range")
        }
        let perFrame = TimeConventions.samplesPerVideoFrame
        let range = TimeRange(startSeconds: Double(first.index * perFrame) / Double(TimeConventions.audioSampleRate),
                              durationSeconds: Double(frames.count * perFrame) / Double(TimeConventions.audioSampleRate))
        var audio = try AudioReader(path: path, options: AudioReadOptions(range: range, limits: options.limits)).readAll()
        let expected = frames.count * perFrame
        if audio.count < expected { audio += [Float](repeating: 0, count: expected - audio.count) }
        if audio.count > expected { audio.removeLast(audio.count - expected) }
        return Clip(firstFrameIndex: first.index, frames: frames.map(\.image), audio: audio)
    }
}
