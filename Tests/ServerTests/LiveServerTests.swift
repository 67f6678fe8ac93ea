import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// Against the real HTTP server on loopback: what the router test client cannot do.
@Suite struct LiveServerTests {
    /// Sends `request` and then `bodyFile`'s first `bytes` bytes over a plain TCP connection
    /// (bash's /dev/tcp), then closes it; returns what the server answered, if anything.
    static func sendRaw(port: Int, head: String, bodyFile: URL, bytes: Int, waitSeconds: Int = 1) throws -> String {
        let script = """
            exec 3<>/dev/tcp/localhost/\(port)
            printf '%s' "$HEAD" >&3
            head -c \(bytes) "$BODY" >&3
            timeout -s KILL \(waitSeconds) cat <&3 || true
            exec 3<&- 3>&-
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // SIGKILL: the test process ignores SIGTERM (its signal handlers), and children inherit that.
        process.arguments = ["-c", script]
        process.environment = ["HEAD": head, "BODY": bodyFile.path, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aClientThatStopsMidUploadLeavesNoFileAndNoAnalysis() async throws {
        let server = try TestServer()
        let clip = SampleClips.folder.appendingPathComponent("genuine.mp4")
        let app = buildApplication(server.service)
        let logs = server.logs
        let service = server.service
        try await app.test(.live) { client in
            try await TestServer.waitUntilReady(client)
            let port = try #require(client.port)
            // Announce 100 000 bytes, send 20 000, half-close: the body never completes.
            let head = "POST /detect HTTP/1.1\r\nHost: localhost\r\nContent-Type: video/mp4\r\nContent-Length: 100000\r\n\r\n"
            let answer = try Self.sendRaw(port: port, head: head, bodyFile: clip, bytes: 20_000)
            // The request was read and refused as truncated (the answer may or may not reach a half-closed client).
            var logged: [String: Any]?
            for _ in 0..<100 where logged == nil {
                logged = logs.requests.first { $0["path"] as? String == "/detect" }
                if logged == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let line = try #require(logged, "no access log line for the truncated request; answer: \(answer)")
            #expect(line["error"] as? String == "truncated_upload")
            #expect(line["status"] as? String == "400")
            try await TestServer.expectNoUploadFiles(service.uploads)
            #expect(service.analysesStarted == 0)

            // The same server still answers a whole request.
            let whole = try Data(contentsOf: clip)
            let response = try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: whole))
            #expect(response.status == .ok)
            try await TestServer.expectNoUploadFiles(service.uploads)
        }
        try? FileManager.default.removeItem(at: service.uploads.directory)
    }

    @Test func aContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() async throws {
        let server = try TestServer { $0.maxUploadBytes = 1000 }
        let clip = SampleClips.folder.appendingPathComponent("genuine.mp4")
        let app = buildApplication(server.service)
        let service = server.service
        try await app.test(.live) { client in
            try await TestServer.waitUntilReady(client)
            let port = try #require(client.port)
            let head = "POST /detect HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n"
            // No body at all: the answer comes from the header alone.
            // The server answers and closes at once; the wait only bounds a slow, loaded machine.
            let answer = try Self.sendRaw(port: port, head: head, bodyFile: clip, bytes: 0, waitSeconds: 20)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            #expect(answer.contains("\"upload_too_large\""))
            #expect(service.uploads.files().isEmpty)
        }
        try? FileManager.default.removeItem(at: service.uploads.directory)
    }
}
