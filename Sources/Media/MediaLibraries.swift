import CFFmpeg

/// What the linked FFmpeg libraries are.
public enum MediaLibraries {
    /// Version of each FFmpeg library, e.g. ["libavcodec": "59.37.100", …].
    public static var versions: [String: String] {
        func text(_ version: UInt32) -> String { "\(version >> 16).\((version >> 8) & 0xff).\(version & 0xff)" }
        return [
            "libavformat": text(avformat_version()),
            "libavcodec": text(avcodec_version()),
            "libavutil": text(avutil_version()),
            "libswscale": text(swscale_version()),
            "libswresample": text(swresample_version()),
        ]
    }

    /// Whether an encoder of this name is available.
    public static func hasEncoder(_ name: String) -> Bool {
        avcodec_find_encoder_by_name(name) != nil
    }
}
