import ArgumentParser
import Foundation

/// A python3 process that a benchmark keeps running beside its own measurements, so that the
/// reference (PyTorch) is timed in the same rounds as ours and both see the same load on a
/// shared machine.
///
/// The script sets up once and prints one line `ready [words…]`; then it answers every request
/// line read from standard input with one line holding the seconds that request took (timed in
/// Python, so the pipe's round trip is not counted).
final class PythonTimer {
    /// Why the process did not become ready.
    enum StartFailure: Error {
        case notRunnable
        case missingModule(String)
        case failed(String)

        var message: String {
            switch self {
            case .notRunnable: "python3 not runnable"
            case let .missingModule(name): "python3 cannot import \(name)"
            case let .failed(reason): reason
            }
        }
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors: URL
    private var buffer = Data()
    /// The words after `ready` on the script's first line.
    private(set) var readyWords: [String] = []

    private init(script: String, arguments: [String]) {
        errors = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-python-\(UUID().uuidString).err")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardInput = input
        process.standardOutput = output
    }

    /// Starts `python3 -c script arguments…` and waits for its `ready` line.
    /// Ignores SIGPIPE from then on, so that a script that died makes a request throw instead of
    /// ending this process.
    static func start(script: String, arguments: [String]) -> Result<PythonTimer, StartFailure> {
        signal(SIGPIPE, SIG_IGN)
        let timer = PythonTimer(script: script, arguments: arguments)
        // Standard error goes to a file, so that a chatty script can never block on a full pipe.
        guard FileManager.default.createFile(atPath: timer.errors.path, contents: nil),
              let errorFile = try? FileHandle(forWritingTo: timer.errors) else { return .failure(.notRunnable) }
        timer.process.standardError = errorFile
        do { try timer.process.run() } catch {
            try? errorFile.close()
            timer.removeErrorFile()
            return .failure(.notRunnable)
        }
        try? errorFile.close()
        guard let line = timer.readLine(), line.hasPrefix("ready") else {
            timer.finish()
            let stderr = (try? String(contentsOf: timer.errors, encoding: .utf8)) ?? ""
            timer.removeErrorFile()
            if let range = stderr.range(of: "No module named '") {
                let name = stderr[range.upperBound...].prefix { $0 != "'" }
                return .failure(.missingModule(String(name)))
            }
            let last = stderr.split(separator: "\n").last.map(String.init)
            return .failure(.failed("reference script failed: " + (last ?? "exit status \(timer.process.terminationStatus)")))
        }
        timer.readyWords = line.split(separator: " ").dropFirst().map(String.init)
        return .success(timer)
    }

    /// Sends one request line and returns the seconds the script reports for it.
    /// - Throws: `ValidationError` when the process stopped answering.
    func seconds(for request: String) throws -> Double {
        let stopped = ValidationError("the python3 reference stopped answering (request \(request))")
        guard process.isRunning else { throw stopped }
        do { try input.fileHandleForWriting.write(contentsOf: Data("\(request)\n".utf8)) } catch { throw stopped }
        guard let seconds = readLine().flatMap(Double.init) else { throw stopped }
        return seconds
    }

    /// Closes the script's input (it ends its loop), waits for it and removes its error file.
    func stop() {
        finish()
        removeErrorFile()
    }

    private func finish() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    private func removeErrorFile() {
        try? FileManager.default.removeItem(at: errors)
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}
