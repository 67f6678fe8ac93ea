import Forensics
import Foundation
import Media

/// Where the workbench gets its data: the analysis (slow, run off the input loop), the decoded media
/// of a window, and the report exporter. Tests supply closures; the CLI supplies ``live(path:prepare:exportReport:)``.
public struct WorkbenchSources: Sendable {
    /// Runs the whole analysis; calls `progress(done, total)` in frames as it goes.
    public var analyze: @Sendable (_ progress: @escaping @Sendable (Int, Int) -> Void) throws -> Analysis
    /// Decodes the crops and log-mel of a frame range.
    public var loadMedia: @Sendable (Range<Int>) throws -> WindowMedia
    /// Exports a report; nil when this build has no report feature.
    public var exportReport: ReportExport?

    public init(analyze: @escaping @Sendable (_ progress: @escaping @Sendable (Int, Int) -> Void) throws -> Analysis,
                loadMedia: @escaping @Sendable (Range<Int>) throws -> WindowMedia,
                exportReport: ReportExport? = nil) {
        self.analyze = analyze
        self.loadMedia = loadMedia
        self.exportReport = exportReport
    }

    /// The sources for a clip file. `prepare` loads the weights and settles the options (the stored
    /// threshold comes with the weights); it runs once, in the background, the first time the analysis
    /// or a window's media needs it, so the screen opens before the model is loaded.
    /// Explanations are always kept: the panels need them.
    public static func live(path: String, prepare: @escaping @Sendable () throws -> (Analyzer, AnalysisOptions),
                            exportReport: ReportExport? = nil) -> WorkbenchSources {
        let prepared = Prepared(prepare)
        let mouth = KnownMouth()
        return WorkbenchSources(
            analyze: { progress in
                let (analyzer, given) = try prepared.get()
                var options = given
                options.keepExplanations = true
                let analysis = try analyzer.analyze(path: path, options: options, progress: progress)
                if let location = analysis.mouth { mouth.set(location) }
                return analysis
            },
            loadMedia: { frames in
                let (analyzer, options) = try prepared.get()
                let configuration = analyzer.model.configuration
                let range = TimeRange(startSeconds: Double(frames.lowerBound) / Double(TimeConventions.videoFPS),
                                      durationSeconds: Double(frames.count) / Double(TimeConventions.videoFPS))
                // The crops the analysis saw: its mouth regions (tracked faces move), located here
                // only when media is wanted before the analysis has finished.
                let location = try mouth.get(orLocate: {
                    try MouthLocator.locate(path: path, info: MediaProbe.probe(path, limits: options.limits), framing: options.framing,
                                            cascadePath: options.faceCascade, tracking: options.tracking, limits: options.limits)
                })
                let features = try ClipFeatures.load(path: path, cropHeight: configuration.cropHeight, cropWidth: configuration.cropWidth,
                                                     regionTrack: location.regions, range: range, limits: options.limits)
                // Frames are numbered as the analysis numbers them: from the range asked for.
                var media = WindowMedia(features: features)
                media.frames = frames.lowerBound..<(frames.lowerBound + min(frames.count, features.frameCount))
                return media
            },
            exportReport: exportReport)
    }

    /// Frames on the 25 fps timeline from the container's duration (an estimate until the analysis arrives).
    /// - Throws: `MediaError` for a file FFmpeg cannot open.
    public static func estimatedFrames(path: String, limits: MediaLimits = MediaLimits()) throws -> Int {
        let info = try MediaProbe.probe(path, limits: limits)
        return max(1, Int(((info.durationSeconds ?? 0) * Double(TimeConventions.videoFPS)).rounded()))
    }
}

/// Where the mouth is in each frame, once the analysis (or the first media load) has found it.
private final class KnownMouth: @unchecked Sendable {
    private let lock = NSLock()
    private var location: MouthLocation?

    func set(_ value: MouthLocation) { lock.withLock { location = value } }

    func get(orLocate locate: () throws -> MouthLocation) throws -> MouthLocation {
        try lock.withLock {
            if let location { return location }
            let found = try locate()
            location = found
            return found
        }
    }
}

/// The analyzer and options, made once by the first caller (others wait for it) and kept, error included.
private final class Prepared: @unchecked Sendable {
    private let lock = NSLock()
    private let make: @Sendable () throws -> (Analyzer, AnalysisOptions)
    private var result: Result<(Analyzer, AnalysisOptions), Error>?

    init(_ make: @escaping @Sendable () throws -> (Analyzer, AnalysisOptions)) {
        self.make = make
    }

    func get() throws -> (Analyzer, AnalysisOptions) {
        try lock.withLock {
            if let result { return try result.get() }
            let made = Result { try make() }
            result = made
            return try made.get()
        }
    }
}
