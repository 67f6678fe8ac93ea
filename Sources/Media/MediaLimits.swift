import Foundation

/// Resource limits that keep a hostile or accidental input from exhausting
/// memory or time. Each has a command-line flag that raises it.
public struct MediaLimits: Sendable, Equatable {
    /// Longest accepted duration, seconds (`--max-duration`).
    public var maxDurationSeconds: Double
    /// Largest accepted frame width or height, pixels (`--max-resolution`).
    public var maxDimension: Int
    /// Largest accepted file, bytes (`--max-file-size`).
    public var maxFileBytes: Int64
    /// How long one blocking read may make no progress before it is abandoned, seconds.
    public var stallTimeoutSeconds: Double

    public init(maxDurationSeconds: Double = 4 * 3600, maxDimension: Int = 8192,
                maxFileBytes: Int64 = 16 << 30, stallTimeoutSeconds: Double = 20) {
        self.maxDurationSeconds = maxDurationSeconds
        self.maxDimension = maxDimension
        self.maxFileBytes = maxFileBytes
        self.stallTimeoutSeconds = stallTimeoutSeconds
    }

    public static let `default` = MediaLimits()

    /// How far past the declared duration a timestamp may lie before it counts as damage, seconds.
    public static let timestampSlackSeconds = 2.0

    func checkDuration(_ seconds: Double) throws {
        if seconds > maxDurationSeconds {
            throw MediaError.limitExceeded(what: "duration", value: String(format: "%.0f s", seconds),
                                           limit: String(format: "%.0f s", maxDurationSeconds), flag: "--max-duration SECONDS")
        }
    }

    func checkSize(width: Int, height: Int) throws {
        if width > maxDimension || height > maxDimension {
            throw MediaError.limitExceeded(what: "frame size", value: "\(width)×\(height)",
                                           limit: "\(maxDimension) px per side", flag: "--max-resolution PIXELS")
        }
    }

    func checkFileSize(_ bytes: Int64) throws {
        if bytes > maxFileBytes {
            throw MediaError.limitExceeded(what: "file size", value: "\(bytes) bytes",
                                           limit: "\(maxFileBytes) bytes", flag: "--max-file-size BYTES")
        }
    }
}
