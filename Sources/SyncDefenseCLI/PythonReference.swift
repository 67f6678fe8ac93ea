import Foundation

/// Runs a reference measurement in python3 (librosa, OpenCV, …) for a benchmark's ratio.
enum PythonReference {
    /// The standard output of `python3 -c script arguments…`, trimmed; nil when python3 is missing,
    /// cannot import what the script needs, or fails in any other way (the comparison is skipped).
    static func output(of script: String, arguments: [String]) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
