import ArgumentParser

@main
struct SyncDefense: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncdefense",
        abstract: "A forensic workbench that detects lip-sync deepfakes.",
        subcommands: []
    )
}
