import ArgumentParser
import Forensics
import Foundation
import Media
import Report
import Workbench

/// `syncdefense inspect FILE`: the forensic workbench, an ncurses screen over one clip.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Open the forensic workbench on a clip.",
        discussion: """
        Timelines (sync, artifact, gate, drift, voice, flagged segments) on one time axis with a cursor; \
        the cross-attention map of the window under the cursor; the mouth crop with the artifact overlay; \
        the log-mel of the window. The analysis runs in the background. Press ? for the keys, q to quit. \
        Honours NO_COLOR; needs at least an 80×24 terminal. See Docs/workbench.md.
        """
    )

    @Argument(help: "The clip (any container FFmpeg reads; mouth-centred, or give --roi).")
    var file: String

    @OptionGroup var verdict: VerdictOptions

    @Option(name: .customLong("report-dir"), help: "Where the export key writes reports (default: the current folder).")
    var reportDirectory: String?

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @OptionGroup var limits: MediaLimitOptions

    func run() async throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            printError("syncdefense inspect: needs a terminal (use `syncdefense detect` in scripts)")
            throw ExitCode(64)
        }
        let sources: WorkbenchSources
        let state: WorkbenchState
        do {
            // What can fail at once is checked before the screen opens; the weights load in the background.
            let url = try WeightsLocator.locate(verdict.weights)
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path]) }
            var options = AnalysisOptions()
            options.framing = try verdict.framing
            options.faceCascade = verdict.faceCascade
            options.limits = limits.limits
            options.aggregator.margin = verdict.margin
            options.aggregator.rule = try verdict.aggregationRule
            state = WorkbenchState(file: file, frameCount: try WorkbenchSources.estimatedFrames(path: file, limits: options.limits),
                                   hopFrames: options.hopFrames, weightsFile: url.path)
            let base = options, threshold = verdict.threshold, input = file
            let reportFolder = URL(fileURLWithPath: reportDirectory ?? FileManager.default.currentDirectoryPath)
            sources = .live(path: file, prepare: {
                let made = try AnalyzerFactory.make(weights: url.path)
                var settled = base
                settled.aggregator.threshold = threshold ?? made.storedThreshold ?? 0.5
                return (made.analyzer, settled)
            }, exportReport: { state in
                // The report of what is on screen: this analysis, these bookmarks and notes.
                guard let analysis = state.analysis else { throw ReportError.noExplanations }
                let analyzer = try Analyzer(weights: url, version: SyncDefenseVersion.string)
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyyMMdd-HHmmss"
                formatter.timeZone = TimeZone(identifier: "UTC")
                let name = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent + "-report-" + formatter.string(from: Date())
                let folder = reportFolder.appendingPathComponent(name)
                return try EvidenceReportMaker.write(analysis: analysis, analyzer: analyzer, weightsPath: url.path, inputPath: input,
                                                     region: base.region, analyst: ProcessInfo.processInfo.environment["USER"],
                                                     bookmarks: state.bookmarks.map { Report.Bookmark(frame: $0.frame, note: $0.note) },
                                                     force: false, to: folder)
            })
        } catch {
            printError("syncdefense inspect: \(file): \(error)")
            throw ExitCode(3)
        }
        let terminal = try Terminal(forceASCII: ascii)
        WorkbenchSession(state: state, sources: sources).run(on: terminal)
        terminal.close()
    }
}
