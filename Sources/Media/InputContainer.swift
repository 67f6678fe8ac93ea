import CFFmpeg
import Foundation

/// An open input file: owns the `AVFormatContext` and the watchdog its
/// interrupt callback points at. Frees both in `deinit`.
final class InputContainer {
    let path: String
    let fileSize: Int64
    let limits: MediaLimits
    private let watchdog: StallWatchdog
    private var context: UnsafeMutablePointer<AVFormatContext>?

    /// Opens `path` and reads its stream information.
    ///
    /// - Throws: ``MediaError`` for a missing, empty, non-regular, oversized or
    ///   undemuxable file, or when opening stalls past the limit.
    init(path: String, limits: MediaLimits) throws {
        FFmpegLogging.configure()
        self.path = path
        self.limits = limits
        fileSize = try InputContainer.validateFile(path: path, limits: limits)
        watchdog = StallWatchdog(timeoutSeconds: limits.stallTimeoutSeconds)

        guard let allocated = avformat_alloc_context() else {
            throw MediaError.ffmpeg(operation: "allocating a demuxer", code: cffmpeg_averror(ENOMEM), message: "out of memory")
        }
        allocated.pointee.interrupt_callback = watchdog.interruptCallback
        var opened: UnsafeMutablePointer<AVFormatContext>? = allocated
        watchdog.arm()
        let openCode = avformat_open_input(&opened, path, nil, nil)  // frees the context on failure
        guard openCode >= 0, let opened else {
            if stalled(openCode) { throw MediaError.timedOut(operation: "opening \(path)", seconds: limits.stallTimeoutSeconds) }
            throw MediaError.unreadableContainer(path: path, reason: ffmpegMessage(openCode))
        }
        context = opened
        watchdog.arm()
        let infoCode = avformat_find_stream_info(opened, nil)
        if infoCode < 0 {
            if stalled(infoCode) { throw MediaError.timedOut(operation: "reading stream information of \(path)", seconds: limits.stallTimeoutSeconds) }
            throw MediaError.unreadableContainer(path: path, reason: ffmpegMessage(infoCode))
        }
        if let duration = durationSeconds { try limits.checkDuration(duration) }
    }

    deinit {
        if context != nil { avformat_close_input(&context) }
    }

    /// Checks that `path` names a non-empty regular file within the size limit.
    /// - Returns: The file's size in bytes.
    static func validateFile(path: String, limits: MediaLimits) throws -> Int64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError.fileNotFound(path: path)
        }
        // stat(2) follows symbolic links: the size and type checked are the target's.
        var status = stat()
        guard stat(path, &status) == 0 else { throw MediaError.fileNotFound(path: path) }
        if isDirectory.boolValue || (status.st_mode & S_IFMT) != S_IFREG {
            throw MediaError.notARegularFile(path: path)
        }
        let size = Int64(status.st_size)
        if size == 0 { throw MediaError.emptyFile(path: path) }
        try limits.checkFileSize(size)
        return size
    }

    /// The demuxer's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    var formatName: String { String(cString: format.pointee.iformat.pointee.name) }

    /// The demuxer's long name, e.g. "QuickTime / MOV".
    var formatLongName: String {
        guard let name = format.pointee.iformat.pointee.long_name else { return formatName }
        return String(cString: name)
    }

    /// Container duration in seconds, when the container states one.
    var durationSeconds: Double? {
        let duration = format.pointee.duration
        guard duration != FFmpegCode.noPTS, duration > 0 else { return nil }
        return Double(duration) / Double(AV_TIME_BASE)
    }

    /// The container's start time in seconds: the origin of the shared A/V timeline.
    var startSeconds: Double {
        let start = format.pointee.start_time
        guard start != FFmpegCode.noPTS else { return 0 }
        return Double(start) / Double(AV_TIME_BASE)
    }

    var bitRate: Int64 { format.pointee.bit_rate }

    /// The latest end the container or the stream declares, seconds on the shared
    /// timeline; timestamps far past it are damage, not content.
    func declaredEndSeconds(stream index: Int32) -> Double? {
        let avStream = stream(index)
        let timeBase = avStream.pointee.time_base
        var end = durationSeconds
        if avStream.pointee.duration != FFmpegCode.noPTS, avStream.pointee.duration > 0, timeBase.den > 0 {
            let streamEnd = Double(avStream.pointee.duration) * Double(timeBase.num) / Double(timeBase.den)
            end = max(end ?? 0, streamEnd)
        }
        return end
    }

    var streamCount: Int { Int(format.pointee.nb_streams) }

    /// The stream at `index`.
    func stream(_ index: Int32) -> UnsafeMutablePointer<AVStream> {
        format.pointee.streams[Int(index)]!
    }

    /// The index of FFmpeg's preferred stream of `type`, or nil when there is none
    /// with a decoder.
    func bestStream(_ type: AVMediaType) -> Int32? {
        let index = av_find_best_stream(format, type, -1, -1, nil, 0)
        return index >= 0 ? index : nil
    }

    /// Reads the next packet into `packet`.
    /// - Returns: false at the end of the file.
    /// - Throws: on a read error or a stall.
    func read(into packet: Packet) throws -> Bool {
        watchdog.arm()
        let code = av_read_frame(format, packet.pointer)
        if code == FFmpegCode.eof { return false }
        if code < 0 {
            if stalled(code) { throw MediaError.timedOut(operation: "reading \(path)", seconds: limits.stallTimeoutSeconds) }
            // A truncated or damaged tail ends the stream; what was read stays usable.
            if code == FFmpegCode.invalidData || code == cffmpeg_averror(EIO) { return false }
            try check(code, "reading \(path)")
        }
        return true
    }

    /// Seeks so that the next packets of `streamIndex` start at or before `seconds`
    /// on the shared timeline.
    func seek(stream streamIndex: Int32, toSeconds seconds: Double) throws {
        let timeBase = stream(streamIndex).pointee.time_base
        let origin = startSeconds
        let target = Int64(((seconds + origin) * Double(timeBase.den) / Double(timeBase.num)).rounded(.down))
        watchdog.arm()
        try check(av_seek_frame(format, streamIndex, target, AVSEEK_FLAG_BACKWARD), "seeking \(path) to \(seconds) s")
    }

    /// Whether a failed call was the watchdog's doing: its deadline has passed, or the call
    /// returned `AVERROR_EXIT`, which only the interrupt callback causes. The second matters because
    /// FFmpeg's I/O layer keeps an error from a read-ahead and returns it on a later call, after
    /// ``StallWatchdog/arm()`` has set a fresh deadline (seen when a corpus writer was stopped with
    /// SIGSTOP mid-read: "Immediate exit requested" instead of this error's message).
    private func stalled(_ code: Int32) -> Bool {
        watchdog.expired || code == FFmpegCode.exit
    }

    private var format: UnsafeMutablePointer<AVFormatContext> { context! }
}
