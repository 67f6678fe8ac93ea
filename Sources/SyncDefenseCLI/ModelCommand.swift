import ArgumentParser
import Foundation
import Model

/// `syncdefense model …`: the detector's architecture.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect the detector's architecture presets.",
        subcommands: [ModelInfo.self]
    )
}

/// A preset name given on the command line (`seed`, `compact`, `tiny`).
func modelPreset(named name: String) throws -> ModelConfiguration {
    guard let configuration = ModelConfiguration.presets[name] else {
        throw ValidationError("unknown preset \"\(name)\"; choose one of \(ModelConfiguration.presets.keys.sorted().joined(separator: ", "))")
    }
    return configuration
}

/// `syncdefense model info --preset compact [--json]`: parameters and cost of one 2 s window.
struct ModelInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a preset's parameter count, forward GFLOP per window, crop and window length."
    )

    @Option(help: "The preset: compact (shipped default), seed (DESIGN §2's table) or tiny (tests).")
    var preset: String = "compact"

    @Flag(help: "Print JSON: preset, parameters, gflop_per_window, crop [H, W], window_frames.")
    var json = false

    struct Info: Encodable {
        var preset: String
        var parameters: Int
        var gflopPerWindow: Double
        var crop: [Int]
        var windowFrames: Int

        enum CodingKeys: String, CodingKey {
            case preset, parameters, crop
            case gflopPerWindow = "gflop_per_window"
            case windowFrames = "window_frames"
        }
    }

    func validate() throws { _ = try modelPreset(named: preset) }

    func run() async throws {
        let c = try modelPreset(named: preset)
        let gflop = (Double(c.flopsPerWindow()) / 1e9 * 1e6).rounded() / 1e6
        let info = Info(preset: c.name, parameters: try c.parameterCount(), gflopPerWindow: gflop,
                        crop: [c.cropHeight, c.cropWidth], windowFrames: c.windowFrames)
        if json { return try JSONOutput.print(info) }
        print("preset            \(info.preset)")
        print("parameters        \(info.parameters)")
        print(String(format: "GFLOP per window  %.3f (forward, %d frames, %d×%d log-mel)", gflop, c.windowFrames, c.melFrames, c.melBands))
        print("crop              \(c.cropHeight)×\(c.cropWidth)")
        print("window frames     \(c.windowFrames)")
        print("model width       \(c.modelWidth) (\(c.heads) heads, \(c.transformerLayers) transformer layers)")
    }
}
