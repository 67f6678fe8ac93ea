import Foundation
@testable import Forensics
import Testing
@testable import Workbench

/// A real ncurses screen through `newterm` on a pipe (keys in) and a file (screen out): no TTY needed.
@Suite(.serialized) struct TerminalTests {
    /// Runs a session on xterm-256color with `keys` typed after the analysis had time to arrive.
    func runSession(keys: String, environment: [String: String] = [:], exporter: ReportExport? = nil,
                    analyze: @escaping @Sendable (@escaping @Sendable (Int, Int) -> Void) throws -> Forensics.Analysis = { progress in
                        progress(75, 75)
                        return Fixtures.analysis()
                    }) throws -> (state: WorkbenchState, output: String) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        // Not inherited by processes that other tests start.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-\(UUID().uuidString).out")
        let input = try #require(fdopen(fds[0], "r"))
        let output = try #require(fopen(outputURL.path, "w"))
        defer {
            fclose(input)
            fclose(output)
            try? FileManager.default.removeItem(at: outputURL)
        }
        let writer = fds[1]
        let typing = Thread {
            Thread.sleep(forTimeInterval: 0.4)
            for byte in keys.utf8 {
                var b = byte
                _ = write(writer, &b, 1)
                Thread.sleep(forTimeInterval: 0.05)
            }
            close(writer)
        }
        typing.start()
        var env = environment
        env["TERM"] = "xterm-256color"
        let terminal = try Terminal(type: "xterm-256color", input: input, output: output, environment: env)
        let display = terminal.display
        let sources = WorkbenchSources(analyze: analyze, loadMedia: { Fixtures.media(frames: $0) }, exportReport: exporter)
        let state = WorkbenchSession(state: WorkbenchState(file: "Samples/offset.mp4", frameCount: 75), sources: sources).run(on: terminal)
        terminal.close()
        fflush(output)
        let text = try String(contentsOf: outputURL, encoding: .utf8)
        #expect(display.colors == (environment["NO_COLOR"] == nil ? .palette256 : ColorDepth.none))
        return (state, text)
    }

    @Test(.timeLimit(.minutes(10))) func drivesTheScreenThroughKeys() throws {
        // Two frames right, help open and closed, export (unavailable here), quit.
        let (state, output) = try runSession(keys: "ll??rq")
        #expect(state.isFinished)
        #expect(state.cursor == 2)
        #expect(state.analysis != nil)
        #expect(state.message?.text == "report export not available in this build")
        #expect(output.contains("FAKE"))
        #expect(output.contains("offset.mp4"))
        #expect(output.contains("Keys"))      // the help box was drawn
        #expect(output.contains("report export not available"))
        #expect(output.contains("\u{1B}[38;5;"))  // 256-colour foregrounds
        #expect(output.contains("\u{1B}[?1049h") && output.contains("\u{1B}[?1049l")) // alternate screen entered and left
    }

    @Test(.timeLimit(.minutes(10))) func exporterIsCalledWithTheCurrentState() throws {
        let (state, output) = try runSession(keys: "lllbhi\rrq", exporter: { state in
            URL(fileURLWithPath: "/tmp/report-frame-\(state.cursor)-\(state.bookmarks.count).html")
        })
        #expect(state.bookmarks == [.init(frame: 3, note: "hi")])
        #expect(state.message?.text == "report written to /tmp/report-frame-3-1.html")
        #expect(state.log.map(\.text).last == "exported report /tmp/report-frame-3-1.html")
        #expect(output.contains("report written to"))
    }

    @Test(.timeLimit(.minutes(10))) func noColorSendsNoColours() throws {
        let (state, output) = try runSession(keys: "q", environment: ["NO_COLOR": "1"])
        #expect(state.isFinished)
        #expect(output.contains("FAKE"))
        #expect(!output.contains("\u{1B}[38;5;") && !output.contains("\u{1B}[48;5;"))
    }

    @Test(.timeLimit(.minutes(10))) func failedAnalysisKeepsTheScreenOpen() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "no audio stream" } }
        let (state, output) = try runSession(keys: "lq", analyze: { _ in throw Broken() })
        #expect(state.phase == .failed("no audio stream"))
        #expect(state.cursor == 1)
        #expect(output.contains("analysis failed: no audio stream"))
    }
}
