import Foundation
import Model
import Testing

/// Drives the real `syncdefense inspect` in tmux as an analyst would: opens a sample, waits for the
/// analysis, steps frames, opens help, exports, quits — exit status 0 and the terminal restored.
@Suite(.serialized) struct TmuxInspectTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built next to the test bundle (as `swift test` builds it).
    static var executable: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("syncdefense")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    static var runnable: Bool { tmux != nil && executable != nil }

    /// One tmux server of our own (its own socket), so nothing else is touched.
    struct Tmux {
        let socket = "syncdefense-test-\(UUID().uuidString.prefix(8))"

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TmuxInspectTests.tmux!)
            process.arguments = ["-L", socket] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }

        func capture() throws -> String { try run(["capture-pane", "-p", "-t", "inspect"]) }

        /// Polls the pane until `condition` holds; returns the last capture.
        func wait(seconds: Double, until condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var screen = try capture()
            while !condition(screen), Date() < deadline {
                Thread.sleep(forTimeInterval: 0.2)
                screen = try capture()
            }
            return screen
        }
    }

    @Test(.enabled(if: runnable, "needs tmux and the syncdefense executable built beside the tests"), .timeLimit(.minutes(5)))
    func inspectOpensAnalysesStepsHelpsExportsAndQuits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-tmux-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Untrained weights of the shipped preset: the screen, not the verdict, is under test.
        let weights = folder.appendingPathComponent("weights.safetensors")
        try SyncDefenseModel(configuration: .compact, source: .random(seed: 3)).save(to: weights)
        let status = folder.appendingPathComponent("status")
        let sample = Self.root.appendingPathComponent("Samples/partial.mp4").path
        let command = "'\(Self.executable!.path)' inspect '\(sample)' --weights '\(weights.path)'; echo \"exit=$?\" > '\(status.path)'"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", "inspect", "-x", "80", "-y", "24", "env", "TERM=xterm-256color", "LANG=C.UTF-8", "sh", "-c", command])
        try tmux.run(["set-option", "-t", "inspect", "remain-on-exit", "on"])

        // Opens at once, then the analysis arrives.
        let opened = try tmux.wait(seconds: 30) { $0.contains("SyncDefense") }
        #expect(opened.contains("partial.mp4"))
        let analysed = try tmux.wait(seconds: 180) { $0.contains("FAKE p") || $0.contains("REAL p") || $0.contains("NO SPEECH") }
        #expect(!analysed.contains("verdict pending"), "analysis did not finish:\n\(analysed)")
        #expect(analysed.contains("AV offset"))
        #expect(analysed.split(separator: "\n").count == 24)

        try tmux.run(["send-keys", "-t", "inspect", "Right", "Right", "l"])
        let stepped = try tmux.wait(seconds: 10) { $0.contains("frame 3/75") }
        #expect(stepped.contains("frame 3/75"), "\(stepped)")
        #expect(stepped.contains("mouth f3"))

        try tmux.run(["send-keys", "-t", "inspect", "?"])
        let help = try tmux.wait(seconds: 10) { $0.contains("Keys") }
        #expect(help.contains("next flagged segment"))
        try tmux.run(["send-keys", "-t", "inspect", "?"])
        _ = try tmux.wait(seconds: 10) { !$0.contains("next flagged segment") }

        try tmux.run(["send-keys", "-t", "inspect", "r"])
        let exported = try tmux.wait(seconds: 10) { $0.contains("report export not available") }
        #expect(exported.contains("report export not available in this build"))

        try tmux.run(["send-keys", "-t", "inspect", "q"])
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: status.path), Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect((try? String(contentsOf: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "exit=0")
        // The alternate screen is gone: the pane no longer shows the workbench.
        let after = try tmux.capture()
        #expect(!after.contains("SyncDefense │"), "\(after)")
    }
}
