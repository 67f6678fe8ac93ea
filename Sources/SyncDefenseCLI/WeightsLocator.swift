import Foundation

/// Finds the weights file: `--weights`, else `$SYNCDEFENSE_WEIGHTS`, else the shipped
/// `Weights/syncdefense-compact-v1.safetensors` in the working folder or beside the executable's
/// build folder (`.build/<config>/syncdefense` → the repository's `Weights/`).
enum WeightsLocator {
    static let shippedName = "Weights/syncdefense-compact-v1.safetensors"

    static func locate(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = ProcessInfo.processInfo.environment["SYNCDEFENSE_WEIGHTS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(shippedName)]
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(shippedName))
            folder = folder.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw WeightsNotFound(searched: candidates.map(\.path))
    }

    struct WeightsNotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "no weights file found (looked for \(searched.joined(separator: ", "))); pass --weights FILE or set SYNCDEFENSE_WEIGHTS"
        }
    }
}
