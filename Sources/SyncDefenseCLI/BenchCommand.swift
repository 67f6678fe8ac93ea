import ArgumentParser

/// `syncdefense bench …`: speed measured against a reference in the same run.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed as ratios against a reference run on the same machine, in the same run.",
        subcommands: [BenchMedia.self, BenchOps.self, BenchModel.self, BenchAnalyze.self, BenchFaces.self]
    )
}
