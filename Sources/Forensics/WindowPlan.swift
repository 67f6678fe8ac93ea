import Media

/// Where the model's fixed-length windows fall on a clip of `frameCount` video frames (25 fps).
///
/// Windows are `windowFrames` video frames long (default 50 = 2 s, i.e. 200 log-mel frames) and
/// start every `hopFrames` (default 25 = 1 s). The last window is aligned to the clip's end, so every
/// frame is covered and no window runs past the end; its hop from the previous one may be shorter.
/// A clip shorter than one window but at least `minimumFrames` long (default 25 = 1 s) gets a single
/// window starting at frame 0 whose tail is padding (`padded == true`, `validFrames < windowFrames`);
/// how the padding is filled is the caller's choice (``WindowPlan/padded(_:to:)`` repeats the last
/// frame). Shorter clips are rejected with ``ForensicsError/clipTooShort(frames:minimumFrames:)``.
public struct WindowPlan: Sendable, Hashable, Codable {
    /// One window: video frames `start ..< start + windowFrames`, of which the first `validFrames` exist.
    public struct Window: Sendable, Hashable, Codable {
        /// Position in the plan, 0-based.
        public let index: Int
        /// First video frame.
        public let start: Int
        /// Frames of the clip inside the window (`windowFrames`, or fewer when padded).
        public let validFrames: Int
        /// True when the clip ended before the window did.
        public let padded: Bool

        /// One past the last real video frame.
        public var end: Int { start + validFrames }
        /// Real video frames covered.
        public var frames: Range<Int> { start..<end }
        /// First log-mel frame (`4·start`, TimeConventions).
        public var melStart: Int { start * TimeConventions.melFramesPerVideoFrame }

        enum CodingKeys: String, CodingKey {
            case index, start, validFrames = "valid_frames", padded
        }
    }

    /// Video frames in the clip, T.
    public let frameCount: Int
    /// Window length in video frames (50).
    public let windowFrames: Int
    /// Hop between window starts in video frames (25).
    public let hopFrames: Int
    /// The windows, in order of start.
    public let windows: [Window]

    /// Window length in log-mel frames (`4·windowFrames`, 200 by default).
    public var melFramesPerWindow: Int { windowFrames * TimeConventions.melFramesPerVideoFrame }
    /// True when the clip is shorter than one window and was padded.
    public var isPadded: Bool { windows.contains { $0.padded } }

    /// Plans the windows.
    /// - Throws: ``ForensicsError/clipTooShort(frames:minimumFrames:)`` when `frameCount < minimumFrames`,
    ///   ``ForensicsError/invalidParameter(_:)`` for a nonpositive length or hop, or a minimum above the length.
    public init(frameCount: Int, windowFrames: Int = 50, hopFrames: Int = 25, minimumFrames: Int = 25) throws {
        guard windowFrames > 0, hopFrames > 0 else {
            throw ForensicsError.invalidParameter("windowFrames \(windowFrames) and hopFrames \(hopFrames) must be positive")
        }
        guard minimumFrames > 0, minimumFrames <= windowFrames else {
            throw ForensicsError.invalidParameter("minimumFrames \(minimumFrames) must be in 1...\(windowFrames)")
        }
        guard frameCount >= minimumFrames else {
            throw ForensicsError.clipTooShort(frames: frameCount, minimumFrames: minimumFrames)
        }
        self.frameCount = frameCount
        self.windowFrames = windowFrames
        self.hopFrames = hopFrames
        if frameCount < windowFrames {
            windows = [Window(index: 0, start: 0, validFrames: frameCount, padded: true)]
            return
        }
        var starts = Array(stride(from: 0, to: frameCount - windowFrames, by: hopFrames))
        starts.append(frameCount - windowFrames)
        windows = starts.enumerated().map { Window(index: $0.offset, start: $0.element, validFrames: windowFrames, padded: false) }
    }

    /// A plan with explicit windows (the streaming analysis builds its plan chunk by chunk).
    /// - Throws: ``ForensicsError/invalidParameter(_:)`` for a window outside `0..<frameCount`.
    public init(frameCount: Int, windowFrames: Int, hopFrames: Int, windows: [Window]) throws {
        for w in windows where w.start < 0 || w.end > frameCount || w.validFrames < 1 || w.validFrames > windowFrames {
            throw ForensicsError.invalidParameter("window \(w.index) (\(w.start)..<\(w.end)) does not fit \(frameCount) frames")
        }
        self.frameCount = frameCount
        self.windowFrames = windowFrames
        self.hopFrames = hopFrames
        self.windows = windows
    }

    /// `values` extended to `count` elements by repeating its last element (unchanged when long enough).
    /// - Precondition: `values` is not empty.
    public static func padded<Element>(_ values: [Element], to count: Int) -> [Element] {
        precondition(!values.isEmpty, "WindowPlan.padded: nothing to repeat")
        guard values.count < count else { return values }
        return values + Array(repeating: values[values.count - 1], count: count - values.count)
    }
}
