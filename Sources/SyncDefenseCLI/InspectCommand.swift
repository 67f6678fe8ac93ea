import ArgumentParser
import Forensics
import Foundation
import Media
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

    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: ArgumentHelp("Mouth region x,y,w,h in the displayed frame.", valueName: "x,y,w,h"))
    var roi: String?

    @Option(help: "Fake when the aggregated probability is at least this (default: the threshold stored with the weights, else 0.5).")
    var threshold: Float?

    @Option(help: "Uncertain when the probability is within this of the threshold.")
    var margin: Float = 0.1

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @OptionGroup var limits: MediaLimitOptions

    func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be in 0…1") }
        guard (0...0.5).contains(margin) else { throw ValidationError("--margin must be in 0…0.5") }
        if let roi { _ = try RegionOfInterest(parsing: roi) }
    }

    func run() async throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            printError("syncdefense inspect: needs a terminal (use `syncdefense detect` in scripts)")
            throw ExitCode(64)
        }
        let sources: WorkbenchSources
        var state: WorkbenchState
        do {
            let url = try WeightsLocator.locate(weights)
            let made = try AnalyzerFactory.make(weights: weights)
            var options = AnalysisOptions()
            options.region = try roi.map { try RegionOfInterest(parsing: $0) }
            options.limits = limits.limits
            options.aggregator.threshold = threshold ?? made.storedThreshold ?? 0.5
            options.aggregator.margin = margin
            let c = made.analyzer.model.configuration
            state = WorkbenchState(file: file, frameCount: try WorkbenchSources.estimatedFrames(path: file, limits: options.limits),
                                   windowFrames: c.windowFrames, hopFrames: min(options.hopFrames, c.windowFrames),
                                   preset: c.name, weightsFile: url.path)
            sources = .live(analyzer: made.analyzer, path: file, options: options, exportReport: nil)
        } catch {
            printError("syncdefense inspect: \(file): \(error)")
            throw ExitCode(3)
        }
        let terminal = try Terminal(forceASCII: ascii)
        WorkbenchSession(state: state, sources: sources).run(on: terminal)
        terminal.close()
    }
}
