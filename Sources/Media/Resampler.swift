import CFFmpeg

/// An owned swresample context that turns any decoded audio frame into 16 kHz
/// mono Float32, mixing channels by their mean. Re-configures itself when the
/// input format changes mid-stream.
final class Resampler {
    private var context: OpaquePointer?
    private var inputRate: Int32 = 0
    private var inputFormat: Int32 = -1
    private var inputChannels: Int32 = 0
    let outputRate = Int32(TimeConventions.audioSampleRate)

    init() {}

    deinit {
        swr_free(&context)
    }

    /// Output samples still buffered inside the resampler.
    var bufferedOutputSamples: Int {
        guard let context else { return 0 }
        return Int(swr_get_delay(context, Int64(outputRate)))
    }

    /// Converts one decoded frame.
    /// - Returns: Mono samples at 16 kHz.
    func convert(_ frame: Frame) throws -> [Float] {
        try configure(for: frame)
        let inputCount = frame.pointer.pointee.nb_samples
        let capacity = Int(swr_get_out_samples(context, inputCount)) + 16
        guard capacity > 0 else { return [] }
        var output = [Float](repeating: 0, count: capacity)
        let inputPlanes = UnsafeMutablePointer<UnsafePointer<UInt8>?>(OpaquePointer(frame.pointer.pointee.extended_data))
        let written = try output.withUnsafeMutableBytes { raw -> Int32 in
            var target: UnsafeMutablePointer<UInt8>? = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return try check(swr_convert(context, &target, Int32(capacity), inputPlanes, inputCount), "resampling audio")
        }
        output.removeLast(capacity - Int(written))
        return output
    }

    /// Returns the samples still buffered at the end of the stream.
    func flush() throws -> [Float] {
        guard let context else { return [] }
        let capacity = Int(swr_get_out_samples(context, 0)) + 16
        var output = [Float](repeating: 0, count: capacity)
        let written = try output.withUnsafeMutableBytes { raw -> Int32 in
            var target: UnsafeMutablePointer<UInt8>? = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return try check(swr_convert(context, &target, Int32(capacity), nil, 0), "flushing the resampler")
        }
        output.removeLast(capacity - Int(written))
        return output
    }

    private func configure(for frame: Frame) throws {
        let channels = frame.pointer.pointee.ch_layout.nb_channels
        let format = frame.pointer.pointee.format
        let rate = frame.pointer.pointee.sample_rate
        guard channels > 0, rate > 0 else {
            throw MediaError.ffmpeg(operation: "resampling audio", code: FFmpegCode.invalidData,
                                    message: "frame has \(channels) channels at \(rate) Hz")
        }
        if context != nil, channels == inputChannels, format == inputFormat, rate == inputRate { return }
        swr_free(&context)
        var outputLayout = cffmpeg_layout_mono()
        var created: OpaquePointer?
        try check(swr_alloc_set_opts2(&created, &outputLayout, AV_SAMPLE_FMT_FLT, outputRate,
                                      &frame.pointer.pointee.ch_layout, AVSampleFormat(rawValue: format), rate, 0, nil),
                  "configuring the resampler")
        context = created
        // Mono is the mean of the input channels, whatever their layout.
        let matrix = [Double](repeating: 1 / Double(channels), count: Int(channels))
        try check(matrix.withUnsafeBufferPointer { swr_set_matrix(created, $0.baseAddress, channels) }, "setting the downmix")
        try check(swr_init(created), "starting the resampler (\(rate) Hz, \(channels) channels)")
        inputChannels = channels
        inputFormat = format
        inputRate = rate
    }
}

/// Converts a whole mono signal from one sample rate to another with swresample.
public enum SampleRateConverter {
    /// Resamples mono `samples` from `sourceRate` to `targetRate` (Hz).
    /// - Returns: About `samples.count · targetRate / sourceRate` samples, aligned at the start.
    /// - Throws: ``MediaError`` for invalid rates or a resampler failure.
    public static func convert(_ samples: [Float], from sourceRate: Int, to targetRate: Int) throws -> [Float] {
        guard sourceRate > 0, targetRate > 0, sourceRate <= 1_000_000, targetRate <= 1_000_000 else {
            throw MediaError.invalidArgument("sample rates \(sourceRate) → \(targetRate) Hz must be positive")
        }
        if sourceRate == targetRate || samples.isEmpty { return samples }
        var context: OpaquePointer?
        var outputLayout = cffmpeg_layout_mono()
        var inputLayout = cffmpeg_layout_mono()
        try check(swr_alloc_set_opts2(&context, &outputLayout, AV_SAMPLE_FMT_FLT, Int32(targetRate),
                                      &inputLayout, AV_SAMPLE_FMT_FLT, Int32(sourceRate), 0, nil), "configuring a resampler")
        defer { swr_free(&context) }
        try check(swr_init(context), "starting a resampler (\(sourceRate) → \(targetRate) Hz)")
        let capacity = Int(Int64(samples.count) * Int64(targetRate) / Int64(sourceRate)) + 256
        var output = [Float](repeating: 0, count: capacity)
        let written = try samples.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { target -> Int in
                var input: UnsafePointer<UInt8>? = source.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var out: UnsafeMutablePointer<UInt8>? = target.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let first = try check(swr_convert(context, &out, Int32(capacity), &input, Int32(samples.count)), "resampling")
                var tail: UnsafeMutablePointer<UInt8>? = out! + Int(first) * 4
                let rest = try check(swr_convert(context, &tail, Int32(capacity) - first, nil, 0), "flushing a resampler")
                return Int(first + rest)
            }
        }
        output.removeLast(capacity - written)
        return output
    }
}
