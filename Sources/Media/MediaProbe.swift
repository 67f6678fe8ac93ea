import CFFmpeg
import Foundation

/// Describes a media file: container, streams, rates, size and rotation.
public enum MediaProbe {
    /// How many video packets are read to measure the frame intervals.
    static let timestampSampleCount = 300

    /// Probes `path`.
    ///
    /// An audio-only or video-only file is described, not rejected; only a file
    /// FFmpeg cannot demux at all throws.
    /// - Throws: ``MediaError`` for a missing, empty, oversized or unreadable file.
    public static func probe(_ path: String, limits: MediaLimits = .default) throws -> MediaInfo {
        let container = try InputContainer(path: path, limits: limits)
        let videoIndex = container.bestStream(AVMEDIA_TYPE_VIDEO)
        let audioIndex = container.bestStream(AVMEDIA_TYPE_AUDIO)
        var info = MediaInfo(
            path: path, fileBytes: container.fileSize, container: container.formatName,
            containerLongName: container.formatLongName, durationSeconds: container.durationSeconds,
            startSeconds: container.startSeconds, bitRate: container.bitRate,
            streamCount: container.streamCount, video: nil, audio: nil)
        if let videoIndex {
            info.video = try describeVideo(container: container, index: videoIndex)
        }
        if let audioIndex {
            info.audio = describeAudio(container.stream(audioIndex), index: audioIndex)
        }
        // Raw-stream demuxers (H.263, MPEG elementary…) can "recognise" random bytes: a video
        // stream without a frame size and nothing else is not a media file.
        if info.video == nil && info.audio == nil {
            throw MediaError.unreadableContainer(path: path, reason: "FFmpeg read it as \(container.formatName) but it has no audio or video stream")
        }
        if let video = info.video, video.width == 0 || video.height == 0, info.audio == nil {
            throw MediaError.unreadableContainer(path: path, reason: "FFmpeg guessed \(container.formatName) but found no frame size")
        }
        return info
    }

    /// Clockwise display rotation of a stream in degrees (0, 90, 180 or 270).
    static func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else {
            return 0
        }
        let counterClockwise = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterClockwise.isFinite else { return 0 }
        let clockwise = Int((-counterClockwise).rounded())
        let normalized = ((clockwise % 360) + 360) % 360
        return (normalized + 45) / 90 % 4 * 90
    }

    private static func describeVideo(container: InputContainer, index: Int32) throws -> VideoStreamInfo {
        let stream = container.stream(index)
        let parameters = stream.pointee.codecpar.pointee
        let width = Int(parameters.width)
        let height = Int(parameters.height)
        try container.limits.checkSize(width: width, height: height)
        let rotation = rotation(of: stream)
        let swaps = rotation == 90 || rotation == 270
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) } ?? "unknown"
        let intervals = try frameIntervals(container: container, streamIndex: index)
        var measured: Double?
        var variable = false
        var intervalRange: [Double]?
        if intervals.count >= 2 {
            let sorted = intervals.sorted()
            let median = sorted[sorted.count / 2]
            if median > 0 { measured = 1 / median }
            // Timestamps are whole ticks of the stream's time base, so 29.97 fps in
            // a millisecond time base alternates 33/34 ms: allow two ticks of jitter.
            let tick = Double(container.stream(index).pointee.time_base.num) / Double(container.stream(index).pointee.time_base.den)
            let tolerance = max(2 * tick, 0.10 * median)
            variable = median > 0 && sorted.last! - sorted.first! > tolerance
            intervalRange = [sorted.first! * 1000, sorted.last! * 1000]
        }
        return VideoStreamInfo(
            index: Int(index), codec: String(cString: avcodec_get_name(parameters.codec_id)),
            width: width, height: height,
            displayWidth: swaps ? height : width, displayHeight: swaps ? width : height,
            rotationDegrees: rotation, pixelFormat: pixelFormat,
            averageFrameRate: rate(stream.pointee.avg_frame_rate),
            measuredFrameRate: measured, variableFrameRate: variable,
            frameIntervalRangeMilliseconds: intervalRange,
            frameCount: stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil,
            durationSeconds: seconds(stream.pointee.duration, stream.pointee.time_base))
    }

    private static func describeAudio(_ stream: UnsafeMutablePointer<AVStream>, index: Int32) -> AudioStreamInfo {
        let parameters = stream.pointee.codecpar
        var layoutName = [CChar](repeating: 0, count: 64)
        let described = layoutName.withUnsafeMutableBufferPointer {
            av_channel_layout_describe(&parameters!.pointee.ch_layout, $0.baseAddress, $0.count)
        }
        // The name up to its terminating NUL (av_channel_layout_describe always writes one).
        let nameBytes = layoutName.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let layout = described >= 0 ? String(decoding: nameBytes, as: UTF8.self) : "unknown"
        let sampleFormat = av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters!.pointee.format)).map { String(cString: $0) } ?? "unknown"
        return AudioStreamInfo(
            index: Int(index), codec: String(cString: avcodec_get_name(parameters!.pointee.codec_id)),
            sampleRate: Int(parameters!.pointee.sample_rate), channels: Int(parameters!.pointee.ch_layout.nb_channels),
            channelLayout: layout, sampleFormat: sampleFormat,
            durationSeconds: seconds(stream.pointee.duration, stream.pointee.time_base))
    }

    /// Intervals between consecutive presentation times of the first packets, seconds.
    private static func frameIntervals(container: InputContainer, streamIndex: Int32) throws -> [Double] {
        let packet = try Packet()
        let timeBase = container.stream(streamIndex).pointee.time_base
        var times: [Int64] = []
        var packetsRead = 0
        while times.count < timestampSampleCount, packetsRead < timestampSampleCount * 20 {
            guard try container.read(into: packet) else { break }
            packetsRead += 1
            if packet.streamIndex == streamIndex {
                let pts = packet.pointer.pointee.pts
                if pts != FFmpegCode.noPTS { times.append(pts) }
            }
            packet.unref()
        }
        times.sort()
        let scale = Double(timeBase.num) / Double(timeBase.den)
        return zip(times.dropFirst(), times).compactMap { later, earlier in
            later > earlier ? Double(later - earlier) * scale : nil
        }
    }

    private static func rate(_ rational: AVRational) -> Double? {
        rational.num > 0 && rational.den > 0 ? Double(rational.num) / Double(rational.den) : nil
    }

    private static func seconds(_ value: Int64, _ timeBase: AVRational) -> Double? {
        guard value != FFmpegCode.noPTS, value > 0, timeBase.den != 0 else { return nil }
        return Double(value) * Double(timeBase.num) / Double(timeBase.den)
    }
}
