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

        /// Runs a tmux command and returns its standard output.
        ///
        /// `posix_spawn` + `waitpid` rather than `Process`: the server that `new-session` starts
        /// inherits the client's descriptors and outlives it, which leaves `Process` waiting.
        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out")
            defer { try? FileManager.default.removeItem(at: outputFile) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([TmuxInspectTests.tmux!, "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { environment.forEach { free($0) } }
            // The test runner's threads block signals; the tmux server must not inherit that mask
            // (it would neither reap its panes nor obey kill-server).
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), all = sigset_t()
            sigemptyset(&none)
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, TmuxInspectTests.tmux!, &actions, &attributes, argv, environment)
            guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
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
        let command = "'\(Self.executable!.path)' inspect '\(sample)' --weights '\(weights.path)' --report-dir '\(folder.path)'; echo \"exit=$?\" > '\(status.path)'"
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", "inspect", "-x", "80", "-y", "24", "env", "-u", "NO_COLOR", "TERM=xterm-256color", "LANG=C.UTF-8", "sh", "-c", command])
        try tmux.run(["set-option", "-t", "inspect", "remain-on-exit", "on"])
        let socketPath = try tmux.run(["display-message", "-p", "#{socket_path}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        defer {
            // Runs before the kill-server above (defers run last first): stop the server, then remove its socket.
            _ = try? tmux.run(["kill-server"])
            if !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
        }

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
        let exported = try tmux.wait(seconds: 60) { $0.contains("report written to") || $0.contains("report export failed") }
        #expect(exported.contains("report written to"), "\(exported)")
        let reports = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("partial-report-") }
        #expect(reports.count == 1)
        if let report = reports.first {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(report).appendingPathComponent("report.html").path))
        }

        try tmux.run(["send-keys", "-t", "inspect", "q"])
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: status.path), Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect((try? String(contentsOf: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "exit=0")
        // The alternate screen is gone: the pane no longer shows the workbench.
        let after = try tmux.capture()
        #expect(!after.contains("SyncDefense │"), "\(after)")
    }
}
