import CFFmpeg

/// One frame of the 25 fps analysis timeline.
public struct VideoFrame: Sendable {
    /// Frame index `t` on the 25 fps timeline; the frame covers `[t·40 ms, (t+1)·40 ms)`.
    public let index: Int
    /// Presentation time of the source frame shown, seconds.
    public let sourceSeconds: Double
    /// The (cropped, scaled, rotation-corrected) picture.
    public let image: RGBImage

    /// Start of the frame's interval, seconds.
    public var seconds: Double { TimeConventions.videoFrameStart(index) }
}

/// One frame of the 25 fps timeline as luminance only (``VideoReader/nextLuma()``).
public struct LumaFrame: Sendable {
    /// Frame index `t` on the 25 fps timeline.
    public let index: Int
    /// Presentation time of the source frame shown, seconds.
    public let sourceSeconds: Double
    /// The (cropped, scaled, rotation-corrected) luminance.
    public let image: LumaImage
}

/// How to read video.
public struct VideoReadOptions: Sendable {
    /// Part of the timeline to read.
    public var range: TimeRange
    /// Region of the displayed frame to keep; nil keeps the whole frame.
    public var region: RegionOfInterest?
    /// A region per frame (a tracked mouth); when set it replaces `region`.
    public var regionTrack: RegionTrack?
    /// Output size (width, height) in displayed orientation; nil keeps the region's size.
    public var outputSize: Size?
    public var limits: MediaLimits
    /// Decoder threads; 0 lets FFmpeg choose.
    public var decoderThreads: Int

    public struct Size: Equatable, Sendable {
        public var width: Int
        public var height: Int
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }

        /// - Throws: ``MediaError/invalidArgument(_:)`` for a side outside 1…4096 pixels.
        func validate() throws {
            guard (1...4096).contains(width), (1...4096).contains(height) else {
                throw MediaError.invalidArgument("output size \(width)×\(height): must be between 1 and 4096 pixels per side")
            }
        }
    }

    public init(range: TimeRange = .whole, region: RegionOfInterest? = nil, regionTrack: RegionTrack? = nil, outputSize: Size? = nil,
                limits: MediaLimits = .default, decoderThreads: Int = 0) {
        self.range = range
        self.region = region
        self.regionTrack = regionTrack
        self.outputSize = outputSize
        self.limits = limits
        self.decoderThreads = decoderThreads
    }
}

/// Streams a file's video as RGB frames resampled to exactly 25 fps by
/// presentation timestamp.
///
/// Output frame `t` shows the source frame on screen at the middle of its
/// interval, `(t + ½)·40 ms`: source frames are duplicated when the source is
/// slower and dropped when it is faster, whatever its rate (constant or
/// variable). Before the first source frame the first one is shown. Only the
/// frames being compared are held in memory.
public final class VideoReader {
    /// Clockwise display rotation applied to every frame.
    public let rotationDegrees: Int
    /// Source frames decoded so far (before resampling).
    public private(set) var sourceFramesDecoded = 0
    /// Packets or frames the decoder rejected as damaged and skipped.
    public var damagedUnits: Int { stream.decoder.damagedUnits }

    private let path: String
    private let options: VideoReadOptions
    private let stream: DecodedStream
    private let converter: FrameConverter
    private let fallbackFrameSeconds: Double
    private let declaredEnd: Double?
    /// Frames skipped because their timestamp lay far beyond the file's declared duration.
    public private(set) var framesWithDamagedTimestamps = 0

    private let current: Frame
    private var currentSeconds = 0.0
    private var currentEndSeconds = 0.0
    private var currentImage: RGBImage?
    /// `current` as handed out by ``nextPicture()`` (shared by the timeline frames that repeat it).
    private var currentPicture: DecodedPicture?
    /// The region `currentImage` was cut from.
    private var currentImageRegion: RegionOfInterest?
    private let lookahead: Frame
    private var lookaheadSeconds: Double?
    private var exhausted = false
    private var nextIndex: Int
    private let endIndex: Int?

    /// Opens the best video stream of `path`.
    /// - Throws: ``MediaError`` when the file cannot be opened, has no video,
    ///   exceeds a limit, or the range is invalid.
    public init(path: String, options: VideoReadOptions = VideoReadOptions()) throws {
        try options.range.validate()
        self.path = path
        self.options = options
        let container = try InputContainer(path: path, limits: options.limits)
        guard let index = container.bestStream(AVMEDIA_TYPE_VIDEO) else { throw MediaError.noVideoStream(path: path) }
        let avStream = container.stream(index)
        let parameters = avStream.pointee.codecpar.pointee
        try options.limits.checkSize(width: Int(parameters.width), height: Int(parameters.height))
        let maxPixels = Int64(options.limits.maxDimension) * Int64(options.limits.maxDimension)
        let decoder = try Decoder(container: container, streamIndex: index, threads: options.decoderThreads, maxPixels: maxPixels)
        stream = try DecodedStream(container: container, decoder: decoder)
        rotationDegrees = MediaProbe.rotation(of: avStream)
        try options.outputSize?.validate()
        converter = try FrameConverter(rotation: rotationDegrees, outputSize: options.outputSize.map { ($0.width, $0.height) })
        let averageRate = avStream.pointee.avg_frame_rate
        fallbackFrameSeconds = averageRate.num > 0 && averageRate.den > 0
            ? Double(averageRate.den) / Double(averageRate.num) : 1 / Double(TimeConventions.videoFPS)
        declaredEnd = container.declaredEndSeconds(stream: index)
        current = try Frame()
        lookahead = try Frame()
        nextIndex = options.range.firstVideoFrame
        endIndex = options.range.videoFrameEnd
        if options.range.startSeconds > 0 {
            // A container that cannot seek is read from the start instead.
            try? stream.seek(toSeconds: options.range.startSeconds)
        }
    }

    /// The next 25 fps frame, or nil at the end of the range or the file.
    /// - Throws: ``MediaError`` when nothing can be decoded, a frame exceeds a
    ///   limit, or the region does not fit the frame.
    public func next() throws -> VideoFrame? {
        guard let region = try advanceToNextIndex() else { return nil }
        if currentImage == nil || currentImageRegion != region {
            currentImage = try converter.convert(current, region: region)
            currentImageRegion = region
        }
        defer { nextIndex += 1 }
        return VideoFrame(index: nextIndex, sourceSeconds: currentSeconds, image: currentImage!)
    }

    /// The next 25 fps frame as luminance only (no colour conversion: cheaper than ``next()``).
    /// Use one of `next()` and `nextLuma()` per reader.
    /// - Throws: as ``next()``.
    public func nextLuma() throws -> LumaFrame? {
        guard let region = try advanceToNextIndex() else { return nil }
        defer { nextIndex += 1 }
        return LumaFrame(index: nextIndex, sourceSeconds: currentSeconds, image: try converter.convertLuma(current, region: region))
    }

    /// The next 25 fps frame as the decoded picture itself, uncut and unscaled (the reader's
    /// region and output size are not applied): for cutting it more than once with a
    /// ``PictureCutter``. Use one of `next()`, `nextLuma()` and `nextPicture()` per reader.
    /// - Throws: as ``next()``.
    public func nextPicture() throws -> PictureFrame? {
        guard try advanceToNextIndex() != nil else { return nil }
        defer { nextIndex += 1 }
        if currentPicture == nil { currentPicture = try DecodedPicture(referencing: current, rotation: rotationDegrees) }
        return PictureFrame(index: nextIndex, sourceSeconds: currentSeconds, picture: currentPicture!)
    }

    /// Makes `current` the source frame of `nextIndex`; returns the region to cut from it
    /// (`.some(nil)` for the whole frame), or nil at the end.
    private func advanceToNextIndex() throws -> RegionOfInterest?? {
        if let endIndex, nextIndex >= endIndex { return nil }
        let samplePoint = (Double(nextIndex) + 0.5) / Double(TimeConventions.videoFPS)
        try advance(to: samplePoint)
        if current.isEmpty {
            if sourceFramesDecoded == 0 { throw MediaError.noFramesDecoded(path: path, stream: "video frame") }
            return nil
        }
        if exhausted, lookaheadSeconds == nil, samplePoint >= currentEndSeconds { return nil }
        return .some(options.regionTrack?.region(at: nextIndex) ?? options.region)
    }

    /// Reads every remaining frame of the range.
    public func readAll() throws -> [VideoFrame] {
        var frames: [VideoFrame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }

    /// Makes `current` the last source frame presented at or before `samplePoint`.
    private func advance(to samplePoint: Double) throws {
        while true {
            if lookaheadSeconds == nil, !exhausted { try decodeLookahead() }
            guard let nextSeconds = lookaheadSeconds else { return }
            guard current.isEmpty || nextSeconds <= samplePoint else { return }
            current.take(from: lookahead)
            currentSeconds = nextSeconds
            let duration = Double(current.pointer.pointee.pkt_duration) * timeBaseSeconds
            currentEndSeconds = nextSeconds + (duration > 0 ? duration : fallbackFrameSeconds)
            currentImage = nil
            currentPicture = nil
            lookaheadSeconds = nil
        }
    }

    private func decodeLookahead() throws {
        while true {
            guard try stream.next(into: lookahead) else {
                exhausted = true
                return
            }
            sourceFramesDecoded += 1
            try options.limits.checkSize(width: lookahead.width, height: lookahead.height)
            let seconds = stream.seconds(of: lookahead) ?? (current.isEmpty ? 0 : currentEndSeconds)
            // A timestamp far past the declared end would stretch a damaged file into
            // hours of repeated frames: skip the frame and count it.
            if let declaredEnd, seconds > declaredEnd + MediaLimits.timestampSlackSeconds {
                framesWithDamagedTimestamps += 1
                lookahead.unref()
                continue
            }
            try options.limits.checkDuration(seconds)
            lookaheadSeconds = seconds
            return
        }
    }

    private var timeBaseSeconds: Double {
        Double(stream.decoder.timeBase.num) / Double(stream.decoder.timeBase.den)
    }
}
