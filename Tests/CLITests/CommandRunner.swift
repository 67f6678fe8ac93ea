import Foundation
import Media

/// Runs the built `syncdefense` executable as a user would.
enum CommandRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable built next to the test bundle.
    static var executable: URL {
        get throws {
            var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("syncdefense")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw MediaError.invalidArgument("syncdefense executable not found near \(CommandLine.arguments[0])")
        }
    }

    /// Runs the executable with `arguments`, its environment this process's plus `environment`.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so neither fills up and blocks the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { Thread.sleep(forTimeInterval: 0.005) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                       stderr: String(decoding: errorData.value, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A talking-clip stand-in: grey frames and a tone, written by the project's writer.
    static func writeClip(_ url: URL, seconds: Double = 2, video: Bool = true, audio: MP4Writer.Audio? = MP4Writer.Audio(),
                          width: Int = 64, height: Int = 48) throws {
        let writer = try MP4Writer(path: url.path,
                                   video: video ? MP4Writer.Video(width: width, height: height, preset: "ultrafast") : nil,
                                   audio: audio)
        if video {
            for n in 0..<Int(seconds * 25) {
                try writer.append(RGBImage(width: width, height: height, red: UInt8(n % 200), green: 90, blue: 60))
            }
        }
        if let audio {
            let count = Int(seconds * Double(audio.sampleRate))
            var samples = [Float](repeating: 0, count: count * audio.channels)
            for i in 0..<count {
                let v = Float(0.3 * sin(2 * Double.pi * 220 * Double(i) / Double(audio.sampleRate)))
                for c in 0..<audio.channels { samples[i * audio.channels + c] = v }
            }
            try writer.append(audio: samples)
        }
        try writer.finish()
    }
}

/// Bytes handed from a reader thread to the waiting test.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}
