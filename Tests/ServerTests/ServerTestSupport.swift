import Forensics
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Media
import Model
import Testing
@testable import Server

/// A tiny random model saved once per test process: analyses take milliseconds, and the weights
/// go through the same file loading and hashing as the shipped ones.
enum TestWeights {
    /// The tiny preset with the 80 mel bands the analysis' features have.
    static let configuration: ModelConfiguration = {
        var configuration = ModelConfiguration.tiny
        configuration.name = "tiny-80"
        configuration.melBands = 80
        return configuration
    }()

    static let url: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("server-tests-\(getpid()).safetensors")
        // A test process that cannot write its temporary folder cannot test anything.
        let model = try! SyncDefenseModel(configuration: configuration, source: .random(seed: 11))
        try! model.save(to: url, metadata: [Analyzer.thresholdKey: "0.5"])
        return url
    }()

    static var sha256: String { get throws { try SHA256.hex(fileAt: url) } }
}

/// The repository's sample clips.
enum SampleClips {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    static func data(_ name: String = "genuine.mp4") throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }
}

/// Log lines captured from a server under test.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[String: Any]] = []

    var lines: [[String: Any]] { lock.withLock { stored } }

    func append(_ line: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return }
        lock.withLock { stored.append(object) }
    }

    /// The access-log lines (one per request).
    var requests: [[String: Any]] { lines.filter { $0["msg"] as? String == "request" } }
}

/// A server under test: its service (for the pool's counters and the upload folder) and its logs.
struct TestServer {
    let service: DetectionService
    let logs: LogCapture

    /// - Parameter adjust: changes to the default test configuration (small limits, one worker).
    init(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) throws {
        let logs = LogCapture()
        var logger = Logger(label: "server-test") { JSONLogHandler(label: $0, sink: { logs.append($0) }) }
        logger.logLevel = .info
        let weights = TestWeights.url
        var configuration = ServerConfiguration(version: "test", logger: logger) {
            try Analyzer(weights: weights, version: "test")
        }
        configuration.workers = 1
        configuration.queueDepth = 4
        configuration.maxUploadBytes = 1_000_000
        configuration.requestTimeout = .seconds(60)
        configuration.uploadDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("server-tests-uploads-\(UUID().uuidString)")
        adjust(&configuration)
        service = try DetectionService(configuration: configuration)
        self.logs = logs
    }

    /// Runs `body` against the application through Hummingbird's router test client (no sockets),
    /// after the models are loaded; then checks that no upload file outlived its request.
    func test(waitForReady: Bool = true, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(service)
        let uploads = service.uploads
        try await app.test(.router) { client in
            if waitForReady { try await Self.waitUntilReady(client) }
            try await body(client)
            // Checked while the server still runs (at shutdown it empties the folder anyway).
            try await Self.expectNoUploadFiles(uploads)
        }
        try? FileManager.default.removeItem(at: service.uploads.directory)
    }

    /// No upload file outlives its request: a worker thread may let go of its file a moment after
    /// the answer, so this waits up to a second.
    static func expectNoUploadFiles(_ uploads: UploadStore) async throws {
        for _ in 0..<50 where !uploads.files().isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(uploads.files().isEmpty, "upload files left behind: \(uploads.files())")
    }

    static func waitUntilReady(_ client: any TestClientProtocol) async throws {
        for _ in 0..<600 {
            if try await client.execute(uri: "/readyz", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server did not become ready within 30 s")
    }
}

extension TestResponse {
    /// The body as a JSON object (fails the test when it is not one).
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(object as? [String: Any], "body is not a JSON object: \(String(buffer: body))")
    }

    /// The error code of a JSON error answer.
    func errorCode() throws -> String? {
        (try json()["error"] as? [String: Any])?["code"] as? String
    }
}

/// A `multipart/form-data` body.
struct MultipartBody {
    let boundary = "syncdefense-test-\(UUID().uuidString)"
    private(set) var data = Data()

    mutating func addField(_ name: String, _ value: String) {
        data.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }

    mutating func addFile(_ name: String, filename: String, _ contents: Data) {
        data.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: video/mp4\r\n\r\n".utf8))
        data.append(contents)
        data.append(Data("\r\n".utf8))
    }

    func closed() -> Data { data + Data("--\(boundary)--\r\n".utf8) }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}
