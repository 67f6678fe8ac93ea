import ArgumentParser

/// `syncdefense`: the forensic workbench's single executable.
@main
struct SyncDefense: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncdefense",
        abstract: "A forensic workbench that detects lip-sync deepfakes.",
        version: SyncDefenseVersion.string,
        subcommands: [Probe.self, FeaturesCommand.self, SynthCommand.self, ModelCommand.self, TrainCommand.self, EvalCommand.self, DetectCommand.self, InspectCommand.self, ScanCommand.self, ReportCommand.self, ServeCommand.self, Bench.self, Doctor.self]
    )
}

/// The tool's version, reported in every output that carries provenance.
enum SyncDefenseVersion {
    static let string = "0.1.0"
}
