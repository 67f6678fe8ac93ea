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
