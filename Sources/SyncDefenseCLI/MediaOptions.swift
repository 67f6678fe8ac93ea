import ArgumentParser
import Media

/// Options shared by every command that reads a media file: resource limits
/// that keep a hostile file from exhausting memory or time.
struct MediaLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-duration"), help: "Longest accepted file, seconds.")
    var maxDuration: Double = MediaLimits.default.maxDurationSeconds

    @Option(name: .customLong("max-resolution"), help: "Largest accepted frame width or height, pixels.")
    var maxResolution: Int = MediaLimits.default.maxDimension

    @Option(name: .customLong("max-file-size"), help: "Largest accepted file, bytes.")
    var maxFileSize: Int64 = MediaLimits.default.maxFileBytes

    func validate() throws {
        guard maxDuration > 0, maxResolution > 0, maxFileSize > 0 else {
            throw ValidationError("--max-duration, --max-resolution and --max-file-size must be positive")
        }
    }

    var limits: MediaLimits {
        MediaLimits(maxDurationSeconds: maxDuration, maxDimension: maxResolution, maxFileBytes: maxFileSize)
    }
}

/// Where the mouth is and which part of the file to read.
struct RegionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Mouth region x,y,w,h in the displayed frame (default: the whole frame is mouth-centred).", valueName: "x,y,w,h"))
    var roi: String?

    @Option(name: .customLong("crop-size"), help: "Side of the square mouth crop, pixels.")
    var cropSize: Int = 96

    @Option(name: .long, help: "Start of the range to read, seconds.")
    var start: Double = 0

    @Option(name: .long, help: "Length of the range to read, seconds (default: to the end).")
    var duration: Double?

    func validate() throws {
        guard (8...1024).contains(cropSize) else { throw ValidationError("--crop-size must be between 8 and 1024") }
        if let roi { _ = try RegionOfInterest(parsing: roi) }
        try TimeRange(startSeconds: start, durationSeconds: duration).validateForCommandLine()
    }

    var region: RegionOfInterest? {
        get throws { try roi.map { try RegionOfInterest(parsing: $0) } }
    }

    var range: TimeRange { TimeRange(startSeconds: start, durationSeconds: duration) }
}

extension TimeRange {
    func validateForCommandLine() throws {
        guard startSeconds.isFinite, startSeconds >= 0 else { throw ValidationError("--start must be a time ≥ 0 seconds") }
        if let durationSeconds, !(durationSeconds.isFinite && durationSeconds > 0) {
            throw ValidationError("--duration must be a time > 0 seconds")
        }
    }
}
