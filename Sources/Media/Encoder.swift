import CFFmpeg

/// An owned, opened encoder and the output stream it feeds; frees the codec
/// context in `deinit`.
final class Encoder {
    private var context: UnsafeMutablePointer<AVCodecContext>?
    private let stream: UnsafeMutablePointer<AVStream>
    private let packet: Packet
    let name: String

    /// An H.264 encoder (libx264 when present) for `settings`, with a new stream in `output`.
    init(video settings: MP4Writer.Video, output: UnsafeMutablePointer<AVFormatContext>) throws {
        guard settings.width > 0, settings.height > 0, settings.width <= 8192, settings.height <= 8192 else {
            throw MediaError.invalidArgument("video size \(settings.width)×\(settings.height): must be 1…8192 per side")
        }
        guard settings.frameRate.numerator > 0, settings.frameRate.denominator > 0 else {
            throw MediaError.invalidArgument("frame rate \(settings.frameRate.numerator)/\(settings.frameRate.denominator) must be positive")
        }
        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264) else {
            throw MediaError.noEncoder(codec: "h264")
        }
        name = String(cString: codec.pointee.name)
        packet = try Packet()
        (context, stream) = try Encoder.allocate(codec, output: output)
        let codecContext = context!
        codecContext.pointee.width = Int32(settings.width)
        codecContext.pointee.height = Int32(settings.height)
        // 4:2:0 needs even sizes; other sizes keep full chroma.
        codecContext.pointee.pix_fmt = settings.width % 2 == 0 && settings.height % 2 == 0 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P
        codecContext.pointee.time_base = AVRational(num: Int32(settings.frameRate.denominator), den: Int32(settings.frameRate.numerator))
        codecContext.pointee.framerate = AVRational(num: Int32(settings.frameRate.numerator), den: Int32(settings.frameRate.denominator))
        codecContext.pointee.gop_size = Int32(max(1, 2 * settings.frameRate.numerator / settings.frameRate.denominator))
        codecContext.pointee.thread_count = Int32(settings.threads)
        if output.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            codecContext.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        if name == "libx264" {
            av_opt_set(codecContext.pointee.priv_data, "crf", "\(settings.crf)", 0)
            av_opt_set(codecContext.pointee.priv_data, "preset", settings.preset, 0)
        }
        try check(avcodec_open2(codecContext, codec, nil), "opening the \(name) encoder")
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, codecContext), "configuring the video stream")
        stream.pointee.time_base = codecContext.pointee.time_base
        stream.pointee.avg_frame_rate = codecContext.pointee.framerate
        if settings.rotationDegrees % 360 != 0 {
            guard let matrix = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 36) else {
                throw MediaError.writerState("cannot attach the rotation matrix")
            }
            // av_display_rotation_get reads back the negated angle, and players rotate
            // clockwise by −get: so setting +θ asks for a clockwise θ, as ffmpeg does.
            matrix.withMemoryRebound(to: Int32.self, capacity: 9) {
                av_display_rotation_set($0, Double(settings.rotationDegrees))
            }
        }
    }

    /// An AAC encoder for `settings`, with a new stream in `output`.
    init(audio settings: MP4Writer.Audio, output: UnsafeMutablePointer<AVFormatContext>) throws {
        // The AAC encoder takes the MPEG-4 sampling-frequency table only.
        let aacRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000]
        guard (1...8).contains(settings.channels), aacRates.contains(settings.sampleRate) else {
            throw MediaError.invalidArgument("audio \(settings.sampleRate) Hz × \(settings.channels) channels is not supported by AAC; use 1–8 channels at one of \(aacRates.map(String.init).joined(separator: ", ")) Hz")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw MediaError.noEncoder(codec: "aac") }
        name = String(cString: codec.pointee.name)
        packet = try Packet()
        (context, stream) = try Encoder.allocate(codec, output: output)
        let codecContext = context!
        codecContext.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        codecContext.pointee.sample_rate = Int32(settings.sampleRate)
        av_channel_layout_default(&codecContext.pointee.ch_layout, Int32(settings.channels))
        codecContext.pointee.bit_rate = Int64(settings.bitRate)
        codecContext.pointee.time_base = AVRational(num: 1, den: Int32(settings.sampleRate))
        if output.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            codecContext.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        try check(avcodec_open2(codecContext, codec, nil), "opening the \(name) encoder")
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, codecContext), "configuring the audio stream")
        stream.pointee.time_base = codecContext.pointee.time_base
    }

    deinit {
        avcodec_free_context(&context)
    }

    /// Samples per channel in one audio frame.
    var frameSize: Int {
        let size = Int(context!.pointee.frame_size)
        return size > 0 ? size : 1024
    }

    /// A writable frame in the encoder's format (video), or holding `samples` per channel (audio).
    func makeFrame(samples: Int? = nil) throws -> Frame {
        let frame = try Frame()
        let codecContext = context!
        if let samples {
            frame.pointer.pointee.format = codecContext.pointee.sample_fmt.rawValue
            frame.pointer.pointee.sample_rate = codecContext.pointee.sample_rate
            frame.pointer.pointee.nb_samples = Int32(samples)
            try check(av_channel_layout_copy(&frame.pointer.pointee.ch_layout, &codecContext.pointee.ch_layout), "preparing an audio frame")
        } else {
            frame.pointer.pointee.format = codecContext.pointee.pix_fmt.rawValue
            frame.pointer.pointee.width = codecContext.pointee.width
            frame.pointer.pointee.height = codecContext.pointee.height
        }
        try check(av_frame_get_buffer(frame.pointer, 0), "allocating a frame for \(name)")
        return frame
    }

    /// Encodes `frame` (nil flushes) and writes every packet produced.
    func encode(_ frame: Frame?, into output: UnsafeMutablePointer<AVFormatContext>) throws {
        let codecContext = context!
        try check(avcodec_send_frame(codecContext, frame?.pointer), "encoding with \(name)")
        while true {
            let code = avcodec_receive_packet(codecContext, packet.pointer)
            if code == FFmpegCode.eagain || code == FFmpegCode.eof { return }
            try check(code, "encoding with \(name)")
            av_packet_rescale_ts(packet.pointer, codecContext.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            try check(av_interleaved_write_frame(output, packet.pointer), "writing a \(name) packet")
        }
    }

    private static func allocate(_ codec: UnsafePointer<AVCodec>, output: UnsafeMutablePointer<AVFormatContext>) throws
        -> (UnsafeMutablePointer<AVCodecContext>, UnsafeMutablePointer<AVStream>) {
        guard let stream = avformat_new_stream(output, nil) else {
            throw MediaError.writerState("cannot add a stream to the MP4 muxer")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError.ffmpeg(operation: "allocating an encoder", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        return (context, stream)
    }
}
