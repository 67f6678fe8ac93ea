import CFFmpeg

/// An owned `AVPacket`; freed in `deinit`. The pointer is for the media module's
/// wrappers only.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws {
        guard let packet = av_packet_alloc() else {
            throw MediaError.ffmpeg(operation: "allocating a packet", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    var streamIndex: Int32 { pointer.pointee.stream_index }

    /// Drops the payload reference so the packet can be reused.
    func unref() { av_packet_unref(pointer) }
}
