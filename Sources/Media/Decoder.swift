import CFFmpeg

/// An owned, opened decoder (`AVCodecContext`) for one stream; freed in `deinit`.
final class Decoder {
    private var context: UnsafeMutablePointer<AVCodecContext>?
    let streamIndex: Int32
    let timeBase: AVRational
    let codecName: String
    /// Packets or frames the decoder rejected as damaged (decoding continues past them).
    private(set) var damagedUnits = 0

    /// Opens a decoder for `streamIndex` of `container`.
    ///
    /// - Parameters:
    ///   - threads: Decoder threads; 0 lets FFmpeg choose.
    ///   - maxPixels: Largest frame area the decoder may allocate.
    /// - Throws: ``MediaError/noDecoder(codec:)`` or an FFmpeg error.
    init(container: InputContainer, streamIndex: Int32, threads: Int = 0, maxPixels: Int64? = nil) throws {
        let stream = container.stream(streamIndex)
        let parameters = stream.pointee.codecpar!
        self.streamIndex = streamIndex
        timeBase = stream.pointee.time_base
        codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError.noDecoder(codec: codecName == "none" ? "unknown (the stream header is damaged)" : codecName)
        }
        guard let allocated = avcodec_alloc_context3(codec) else {
            throw MediaError.ffmpeg(operation: "allocating a decoder", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        context = allocated
        try check(avcodec_parameters_to_context(allocated, parameters), "configuring the \(codecName) decoder")
        allocated.pointee.pkt_timebase = stream.pointee.time_base
        allocated.pointee.thread_count = Int32(threads)
        if let maxPixels { av_opt_set_int(allocated, "max_pixels", maxPixels, 0) }
        try check(avcodec_open2(allocated, codec, nil), "opening the \(codecName) decoder")
    }

    deinit {
        avcodec_free_context(&context)
    }

    var codecContext: UnsafeMutablePointer<AVCodecContext> { context! }

    /// Sends one packet, or `nil` to signal the end of the stream.
    /// A packet the decoder rejects as damaged is counted and skipped.
    func send(_ packet: Packet?) throws {
        let code = avcodec_send_packet(codecContext, packet?.pointer)
        if code >= 0 || code == FFmpegCode.eof { return }
        if code == FFmpegCode.eagain {
            throw MediaError.ffmpeg(operation: "decoding \(codecName)", code: code, message: "decoder refused input while holding output")
        }
        if code == cffmpeg_averror(ENOMEM) { try check(code, "decoding \(codecName)") }
        damagedUnits += 1
    }

    /// The outcome of asking the decoder for a frame.
    enum Output { case frame, needsInput, finished }

    /// Receives the next decoded frame into `frame`.
    func receive(into frame: Frame) throws -> Output {
        while true {
            let code = avcodec_receive_frame(codecContext, frame.pointer)
            if code >= 0 { return .frame }
            if code == FFmpegCode.eagain { return .needsInput }
            if code == FFmpegCode.eof { return .finished }
            if code == cffmpeg_averror(ENOMEM) { try check(code, "decoding \(codecName)") }
            damagedUnits += 1
            if damagedUnits > 1_000_000 { return .finished }
        }
    }

    /// Drops buffered state after a seek.
    func flush() { avcodec_flush_buffers(codecContext) }
}

/// Pulls decoded frames of one stream out of a container: reads packets, feeds
/// the decoder and drains it at the end of the file.
final class DecodedStream {
    let container: InputContainer
    let decoder: Decoder
    private let packet: Packet
    private var inputFinished = false
    private var decoderFinished = false

    init(container: InputContainer, decoder: Decoder) throws {
        self.container = container
        self.decoder = decoder
        packet = try Packet()
    }

    /// Decodes the next frame into `frame`.
    /// - Returns: false when the stream has no more frames.
    func next(into frame: Frame) throws -> Bool {
        while !decoderFinished {
            switch try decoder.receive(into: frame) {
            case .frame:
                return true
            case .finished:
                decoderFinished = true
            case .needsInput:
                if inputFinished {
                    decoderFinished = true  // flushed and still asking: nothing more will come
                    break
                }
                if try container.read(into: packet) {
                    if packet.streamIndex == decoder.streamIndex { try decoder.send(packet) }
                    packet.unref()
                } else {
                    inputFinished = true
                    try decoder.send(nil)
                }
            }
        }
        return false
    }

    /// Seeks to `seconds` on the shared timeline and resets the decoder.
    func seek(toSeconds seconds: Double) throws {
        try container.seek(stream: decoder.streamIndex, toSeconds: seconds)
        decoder.flush()
        inputFinished = false
        decoderFinished = false
    }

    /// Presentation time of a decoded frame on the shared timeline, seconds
    /// (the container's start time is zero), or nil when it has none.
    func seconds(of frame: Frame) -> Double? {
        var pts = frame.pointer.pointee.best_effort_timestamp
        if pts == FFmpegCode.noPTS { pts = frame.pointer.pointee.pts }
        guard pts != FFmpegCode.noPTS else { return nil }
        return Double(pts) * Double(decoder.timeBase.num) / Double(decoder.timeBase.den) - container.startSeconds
    }
}
