import CFFmpeg
import Foundation

/// Encodes RGB images as PNG through libavcodec's PNG encoder.
public enum PNGWriter {
    /// The PNG bytes of `image`.
    /// - Throws: ``MediaError`` when the encoder is missing or fails.
    public static func encode(_ image: RGBImage) throws -> Data {
        FFmpegLogging.configure()
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else { throw MediaError.noEncoder(codec: "png") }
        var context = avcodec_alloc_context3(codec)
        guard let codecContext = context else {
            throw MediaError.ffmpeg(operation: "allocating the PNG encoder", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        defer { avcodec_free_context(&context) }
        codecContext.pointee.width = Int32(image.width)
        codecContext.pointee.height = Int32(image.height)
        codecContext.pointee.pix_fmt = AV_PIX_FMT_RGB24
        codecContext.pointee.time_base = AVRational(num: 1, den: 25)
        try check(avcodec_open2(codecContext, codec, nil), "opening the PNG encoder")

        let frame = try Frame()
        frame.pointer.pointee.width = Int32(image.width)
        frame.pointer.pointee.height = Int32(image.height)
        frame.pointer.pointee.format = AV_PIX_FMT_RGB24.rawValue
        try check(av_frame_get_buffer(frame.pointer, 0), "allocating a PNG frame")
        let stride = Int(frame.lineSizes[0])
        let rowBytes = image.width * 3
        image.pixels.withUnsafeBytes { source in
            for y in 0..<image.height {
                (frame.planes[0]! + y * stride).update(from: source.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * rowBytes,
                                                       count: rowBytes)
            }
        }
        let packet = try Packet()
        try check(avcodec_send_frame(codecContext, frame.pointer), "encoding PNG")
        try check(avcodec_send_frame(codecContext, nil), "encoding PNG")
        try check(avcodec_receive_packet(codecContext, packet.pointer), "encoding PNG")
        return Data(bytes: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
    }

    /// Writes `image` as a PNG file, atomically.
    public static func write(_ image: RGBImage, to url: URL) throws {
        try encode(image).write(to: url, options: .atomic)
    }

    /// Places images side by side in rows of `columns` (all the same size).
    public static func contactSheet(_ images: [RGBImage], columns: Int, gap: Int = 2) -> RGBImage {
        guard let first = images.first else { return RGBImage(width: 1, height: 1) }
        let rows = (images.count + columns - 1) / columns
        let width = columns * first.width + (columns - 1) * gap
        let height = rows * first.height + (rows - 1) * gap
        var sheet = RGBImage(width: width, height: height, red: 255, green: 255, blue: 255)
        for (index, image) in images.enumerated() {
            let ox = (index % columns) * (first.width + gap)
            let oy = (index / columns) * (first.height + gap)
            for y in 0..<min(image.height, first.height) {
                for x in 0..<min(image.width, first.width) {
                    let s = (y * image.width + x) * 3
                    let d = ((oy + y) * width + ox + x) * 3
                    sheet.pixels[d] = image.pixels[s]
                    sheet.pixels[d + 1] = image.pixels[s + 1]
                    sheet.pixels[d + 2] = image.pixels[s + 2]
                }
            }
        }
        return sheet
    }
}
