import CFFmpeg

/// Turns a negative FFmpeg return code into a thrown ``MediaError/ffmpeg(operation:code:message:)``.
///
/// - Parameters:
///   - code: The value an FFmpeg function returned.
///   - operation: What was being done, for the message (e.g. "decoding video").
/// - Returns: `code` when it is not negative.
/// - Throws: ``MediaError/ffmpeg(operation:code:message:)`` with FFmpeg's own message.
@discardableResult
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
    guard code < 0 else { return code }
    throw MediaError.ffmpeg(operation: operation(), code: code, message: ffmpegMessage(code))
}

/// FFmpeg's text for an error code (`av_strerror`).
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    buffer.withUnsafeMutableBufferPointer { cffmpeg_strerror(code, $0.baseAddress, $0.count) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// FFmpeg's error codes the media module branches on.
enum FFmpegCode {
    static let eagain = cffmpeg_eagain()
    static let eof = cffmpeg_eof()
    static let exit = cffmpeg_exit()
    static let invalidData = cffmpeg_invalid_data()
    static let noPTS = cffmpeg_nopts()
}

/// Sets FFmpeg's global log level once: the library's own chatter is silenced;
/// the media module reports problems through thrown errors and counters.
enum FFmpegLogging {
    private static let configured: Void = { av_log_set_level(AV_LOG_QUIET) }()
    static func configure() { _ = configured }
}
