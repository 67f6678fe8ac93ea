import CFFmpeg

/// An owned `AVFrame`; freed in `deinit`. The pointer is for the media module's
/// wrappers only.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError.ffmpeg(operation: "allocating a frame", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }

    /// Drops the data references so the frame can be reused.
    func unref() { av_frame_unref(pointer) }

    /// Moves `other`'s references into this frame, leaving `other` empty.
    func take(from other: Frame) {
        av_frame_unref(pointer)
        av_frame_move_ref(pointer, other.pointer)
    }

    /// The frame's plane pointers (`AVFrame.data`, 8 entries). Valid while the frame lives.
    var planes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?> {
        UnsafeMutableRawPointer(pointer).advanced(by: MemoryLayout<AVFrame>.offset(of: \AVFrame.data)!)
            .assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
    }

    /// The frame's bytes per row for each plane (`AVFrame.linesize`, 8 entries).
    var lineSizes: UnsafeMutablePointer<Int32> {
        UnsafeMutableRawPointer(pointer).advanced(by: MemoryLayout<AVFrame>.offset(of: \AVFrame.linesize)!)
            .assumingMemoryBound(to: Int32.self)
    }

    /// Whether the frame holds decoded data.
    var isEmpty: Bool { pointer.pointee.data.0 == nil }
}
