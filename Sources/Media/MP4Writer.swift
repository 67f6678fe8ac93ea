import CFFmpeg
import Foundation

/// Writes an MP4 file with H.264 video and AAC audio through libavcodec.
///
/// The file is written under a temporary name in the target folder and renamed
/// into place by ``finish()``, so an interrupted or failed write never leaves a
/// half-written file at `path`.
public final class MP4Writer {
    /// Video settings.
    public struct Video: Sendable {
        public var width: Int
        public var height: Int
        /// Frames per second as a fraction (e.g. 30000/1001).
        public var frameRate: (numerator: Int, denominator: Int)
        /// x264 constant rate factor (0–51, lower is better quality).
        public var crf: Int
        /// x264 preset ("ultrafast" … "veryslow").
        public var preset: String
        /// Clockwise rotation to record in the display matrix (0, 90, 180, 270).
        public var rotationDegrees: Int
        /// Encoder threads; 1 makes the output reproducible byte for byte.
        public var threads: Int

        public init(width: Int, height: Int, frameRate: (numerator: Int, denominator: Int) = (25, 1),
                    crf: Int = 23, preset: String = "medium", rotationDegrees: Int = 0, threads: Int = 1) {
            self.width = width
            self.height = height
            self.frameRate = frameRate
            self.crf = crf
            self.preset = preset
            self.rotationDegrees = rotationDegrees
            self.threads = threads
        }
    }

    /// Audio settings; input samples are Float32, channels interleaved.
    public struct Audio: Sendable {
        public var sampleRate: Int
        public var channels: Int
        public var bitRate: Int

        public init(sampleRate: Int = TimeConventions.audioSampleRate, channels: Int = 1, bitRate: Int = 64_000) {
            self.sampleRate = sampleRate
            self.channels = channels
            self.bitRate = bitRate
        }
    }

    public let path: String
    public private(set) var videoFramesWritten = 0
    public private(set) var audioSamplesWritten = 0

    private let temporaryPath: String
    private var output: UnsafeMutablePointer<AVFormatContext>?
    private var videoEncoder: Encoder?
    private var audioEncoder: Encoder?
    private var scaler: OpaquePointer?
    private let videoSettings: Video?
    private let audioSettings: Audio?
    private var pendingAudio: [Float] = []
    private var finished = false

    /// Creates the writer and writes the container header.
    /// - Parameters:
    ///   - path: Destination; replaced atomically when ``finish()`` succeeds.
    ///   - video: Video settings, or nil for an audio-only file.
    ///   - audio: Audio settings, or nil for a video-only file.
    /// - Throws: ``MediaError`` when no encoder is available or the file cannot be created.
    public init(path: String, video: Video?, audio: Audio?) throws {
        FFmpegLogging.configure()
        guard video != nil || audio != nil else { throw MediaError.invalidArgument("MP4Writer: needs video, audio or both") }
        self.path = path
        videoSettings = video
        audioSettings = audio
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial").path

        var context: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&context, nil, "mp4", temporaryPath), "creating an MP4 muxer")
        output = context
        do {
            if let video { videoEncoder = try Encoder(video: video, output: context!) }
            if let audio { audioEncoder = try Encoder(audio: audio, output: context!) }
            try check(avio_open(&context!.pointee.pb, temporaryPath, AVIO_FLAG_WRITE), "creating \(temporaryPath)")
            try check(avformat_write_header(context, nil), "writing the MP4 header")
        } catch {
            discard()
            throw error
        }
    }

    deinit {
        if !finished { discard() }
        sws_freeContext(scaler)
    }

    /// Encodes one video frame; frames are timed at the configured frame rate.
    /// - Throws: ``MediaError`` when the frame size differs from the settings or encoding fails.
    public func append(_ image: RGBImage) throws {
        guard !finished else { throw MediaError.writerState("append after finish") }
        guard let encoder = videoEncoder, let settings = videoSettings else {
            throw MediaError.writerState("this writer has no video stream")
        }
        guard image.width == settings.width, image.height == settings.height else {
            throw MediaError.writerState("frame is \(image.width)×\(image.height), stream is \(settings.width)×\(settings.height)")
        }
        let frame = try encoder.makeFrame()
        let targetFormat = AVPixelFormat(rawValue: frame.pointer.pointee.format)
        scaler = sws_getCachedContext(scaler, Int32(image.width), Int32(image.height), AV_PIX_FMT_RGB24,
                                      Int32(image.width), Int32(image.height), targetFormat,
                                      Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP), nil, nil, nil)
        guard let scaler else { throw MediaError.writerState("cannot convert RGB to the encoder's pixel format") }
        try image.pixels.withUnsafeBufferPointer { pixels in
            var sourcePlanes: [UnsafePointer<UInt8>?] = [pixels.baseAddress, nil, nil, nil]
            var sourceLines: [Int32] = [Int32(image.width * 3), 0, 0, 0]
            try check(sws_scale(scaler, &sourcePlanes, &sourceLines, 0, Int32(image.height), frame.planes, frame.lineSizes),
                      "converting a frame to \(targetFormat)")
        }
        frame.pointer.pointee.pts = Int64(videoFramesWritten)
        try encoder.encode(frame, into: output!)
        videoFramesWritten += 1
    }

    /// Queues audio samples (Float32, channels interleaved, at the configured rate).
    public func append(audio samples: [Float]) throws {
        guard !finished else { throw MediaError.writerState("append after finish") }
        guard let encoder = audioEncoder, let settings = audioSettings else {
            throw MediaError.writerState("this writer has no audio stream")
        }
        guard samples.count % settings.channels == 0 else {
            throw MediaError.writerState("\(samples.count) samples is not a whole number of \(settings.channels)-channel frames")
        }
        pendingAudio += samples
        let chunk = encoder.frameSize * settings.channels
        var consumed = 0
        while pendingAudio.count - consumed >= chunk {
            try encodeAudio(pendingAudio[consumed..<(consumed + chunk)], encoder: encoder, channels: settings.channels)
            consumed += chunk
        }
        pendingAudio.removeFirst(consumed)
    }

    /// Flushes the encoders, writes the trailer and moves the file into place.
    public func finish() throws {
        guard !finished else { return }
        do {
            if let encoder = audioEncoder, let settings = audioSettings, !pendingAudio.isEmpty {
                try encodeAudio(pendingAudio[...], encoder: encoder, channels: settings.channels)
                pendingAudio = []
            }
            try videoEncoder?.encode(nil, into: output!)
            try audioEncoder?.encode(nil, into: output!)
            try check(av_write_trailer(output), "writing the MP4 trailer")
            try check(avio_closep(&output!.pointee.pb), "closing \(temporaryPath)")
            // rename(2) replaces an existing file atomically.
            guard rename(temporaryPath, path) == 0 else {
                throw MediaError.writerState("cannot move the finished file to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            discard()
            throw error
        }
        finished = true
        videoEncoder = nil
        audioEncoder = nil
        avformat_free_context(output)
        output = nil
    }

    private func encodeAudio(_ samples: ArraySlice<Float>, encoder: Encoder, channels: Int) throws {
        let count = samples.count / channels
        let frame = try encoder.makeFrame(samples: count)
        samples.withUnsafeBufferPointer { source in
            for channel in 0..<channels {
                let plane = UnsafeMutableRawPointer(frame.planes[channel]!).assumingMemoryBound(to: Float.self)
                for i in 0..<count { plane[i] = source[i * channels + channel] }
            }
        }
        frame.pointer.pointee.pts = Int64(audioSamplesWritten)
        try encoder.encode(frame, into: output!)
        audioSamplesWritten += count
    }

    /// Closes everything and removes the temporary file.
    private func discard() {
        videoEncoder = nil
        audioEncoder = nil
        if let output {
            if output.pointee.pb != nil { avio_closep(&output.pointee.pb) }
            avformat_free_context(output)
        }
        output = nil
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
