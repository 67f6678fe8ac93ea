import CFFmpeg

/// A run of 16 kHz mono samples on the analysis timeline.
public struct AudioChunk: Sendable {
    /// Index of the first sample (16 kHz, from the container's start).
    public let startSample: Int
    public let samples: [Float]
}

/// How to read audio.
public struct AudioReadOptions: Sendable {
    public var range: TimeRange
    public var limits: MediaLimits

    public init(range: TimeRange = .whole, limits: MediaLimits = .default) {
        self.range = range
        self.limits = limits
    }
}

/// Streams a file's audio as 16 kHz mono Float32 (channels averaged) through
/// swresample, placed on the shared timeline by presentation timestamp: audio
/// that starts late is preceded by silence, and a gap in the timestamps longer
/// than 20 ms is filled with silence, so sync with the video is kept.
public final class AudioReader {
    public let sourceSampleRate: Int
    public let sourceChannels: Int
    /// Packets or frames the decoder rejected as damaged and skipped.
    public var damagedUnits: Int { stream.decoder.damagedUnits }

    private let path: String
    private let options: AudioReadOptions
    private let stream: DecodedStream
    private let resampler = Resampler()
    private let frame: Frame
    /// Next output position (16 kHz samples) of the resampler's output.
    private var position: Int?
    private let firstSample: Int
    private let sampleEnd: Int?
    private var finished = false
    private var framesDecoded = 0
    private let declaredEnd: Double?
    /// Audio frames skipped because their timestamp lay far beyond the file's declared duration.
    public private(set) var framesWithDamagedTimestamps = 0
    private static let gapToleranceSamples = TimeConventions.audioSampleRate / 50

    /// Opens the best audio stream of `path`.
    /// - Throws: ``MediaError`` when the file cannot be opened or has no audio.
    public init(path: String, options: AudioReadOptions = AudioReadOptions()) throws {
        try options.range.validate()
        self.path = path
        self.options = options
        let container = try InputContainer(path: path, limits: options.limits)
        guard let index = container.bestStream(AVMEDIA_TYPE_AUDIO) else { throw MediaError.noAudioStream(path: path) }
        let parameters = container.stream(index).pointee.codecpar.pointee
        sourceSampleRate = Int(parameters.sample_rate)
        sourceChannels = Int(parameters.ch_layout.nb_channels)
        declaredEnd = container.declaredEndSeconds(stream: index)
        let decoder = try Decoder(container: container, streamIndex: index, threads: 1)
        stream = try DecodedStream(container: container, decoder: decoder)
        frame = try Frame()
        firstSample = options.range.firstSample
        sampleEnd = options.range.sampleEnd
        if options.range.startSeconds > 0 {
            try? stream.seek(toSeconds: max(0, options.range.startSeconds - 0.1))
        }
    }

    /// The next chunk inside the range, or nil at its end.
    /// - Throws: ``MediaError`` when nothing can be decoded or a limit is exceeded.
    public func next() throws -> AudioChunk? {
        while !finished {
            guard try stream.next(into: frame) else {
                finished = true
                if framesDecoded == 0 { throw MediaError.noFramesDecoded(path: path, stream: "audio") }
                let tail = try resampler.flush()
                if let chunk = clip(tail, at: position ?? firstSample) { return chunk }
                break
            }
            framesDecoded += 1
            var chunks: [Float] = []
            let frameStart = stream.seconds(of: frame).map { Int(($0 * Double(TimeConventions.audioSampleRate)).rounded()) }
            if let frameStart {
                let seconds = Double(frameStart) / Double(TimeConventions.audioSampleRate)
                if let declaredEnd, seconds > declaredEnd + MediaLimits.timestampSlackSeconds {
                    framesWithDamagedTimestamps += 1
                    frame.unref()
                    continue
                }
                try options.limits.checkDuration(seconds)
            }
            let expected = (position ?? frameStart ?? 0) + resampler.bufferedOutputSamples
            var start = position ?? frameStart ?? 0
            if let frameStart, position != nil, frameStart - expected > AudioReader.gapToleranceSamples {
                chunks = [Float](repeating: 0, count: frameStart - expected)
            } else if position == nil, let frameStart {
                start = frameStart
            }
            chunks += try resampler.convert(frame)
            frame.unref()
            position = start + chunks.count
            if let chunk = clip(chunks, at: start) { return chunk }
            if let sampleEnd, let position, position >= sampleEnd { finished = true }
        }
        return nil
    }

    /// Reads the whole range as one array starting at the range's first sample.
    /// Where the file has no audio (before its audio starts, after it ends inside
    /// a bounded range) the array holds silence.
    public func readAll() throws -> [Float] {
        var samples: [Float] = []
        while let chunk = try next() {
            let offset = chunk.startSample - firstSample
            if offset > samples.count { samples += [Float](repeating: 0, count: offset - samples.count) }
            samples.removeLast(max(0, samples.count - offset))
            samples += chunk.samples
        }
        if let sampleEnd, samples.count < sampleEnd - firstSample {
            samples += [Float](repeating: 0, count: sampleEnd - firstSample - samples.count)
        }
        return samples
    }

    /// The part of `samples` (which start at `start`) inside the range, or nil.
    private func clip(_ samples: [Float], at start: Int) -> AudioChunk? {
        let lower = max(start, firstSample)
        let upper = min(start + samples.count, sampleEnd ?? Int.max)
        guard upper > lower else { return nil }
        return AudioChunk(startSample: lower, samples: Array(samples[(lower - start)..<(upper - start)]))
    }
}
