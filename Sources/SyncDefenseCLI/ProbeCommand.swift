import ArgumentParser
import Media

/// `syncdefense probe FILE`: describe a media file as JSON.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a media file: container, streams, rates, size and rotation (JSON on stdout)."
    )

    @Argument(help: "The media file.")
    var file: String

    @OptionGroup var limits: MediaLimitOptions

    func run() async throws {
        try JSONOutput.print(try MediaProbe.probe(file, limits: limits.limits))
    }
}
