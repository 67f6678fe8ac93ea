import Forensics
import Foundation
import Media

/// Where the workbench gets its data: the analysis (slow, run off the input loop), the decoded media
/// of a window, and the report exporter. Tests supply closures; the CLI supplies ``live(analyzer:path:options:exportReport:)``.
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

    /// The sources for a clip file analysed with `analyzer` (explanations always kept: the panels need them).
    public static func live(analyzer: Analyzer, path: String, options given: AnalysisOptions, exportReport: ReportExport? = nil) -> WorkbenchSources {
        var kept = given
        kept.keepExplanations = true
        let options = kept
        let configuration = analyzer.model.configuration
        return WorkbenchSources(
            analyze: { progress in try analyzer.analyze(path: path, options: options, progress: progress) },
            loadMedia: { frames in
                let range = TimeRange(startSeconds: Double(frames.lowerBound) / Double(TimeConventions.videoFPS),
                                      durationSeconds: Double(frames.count) / Double(TimeConventions.videoFPS))
                let features = try ClipFeatures.load(path: path, cropHeight: configuration.cropHeight, cropWidth: configuration.cropWidth,
                                                     region: options.region, range: range, limits: options.limits)
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
