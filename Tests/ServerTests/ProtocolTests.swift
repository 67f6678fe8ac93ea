import Dispatch
import Forensics
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

@Suite struct ProtocolTests {
    @Test func wrongMethodIs405WithAllowAndUnknownPathIs404() async throws {
        let server = try TestServer()
        try await server.test { client in
            let get = try await client.execute(uri: "/detect", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(try get.errorCode() == "method_not_allowed")
            let post = try await client.execute(uri: "/healthz", method: .post, body: ByteBuffer(string: "x"))
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET")
            let missing = try await client.execute(uri: "/detect/../../etc/passwd", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.errorCode() == "not_found")
        }
    }

    @Test func tokenIsRequiredAndNothingIsProcessedWithoutIt() async throws {
        let server = try TestServer { $0.bearerToken = "s3cret-token" }
        let clip = try SampleClips.data()
        try await server.test { client in
            let missing = try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: clip))
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try missing.errorCode() == "unauthorized")
            for header in ["Bearer wrong-token!", "Bearer s3cret-toke", "Bearer s3cret-token-longer", "Basic s3cret-token", "s3cret-token"] {
                let wrong = try await client.execute(uri: "/detect", method: .post, headers: [.authorization: header], body: ByteBuffer(bytes: clip))
                #expect(wrong.status == .unauthorized, "\(header)")
            }
            #expect(try await client.execute(uri: "/version", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/report", method: .post, body: ByteBuffer(bytes: clip)).status == .unauthorized)
            #expect(server.service.analysesStarted == 0)
            #expect(server.service.uploads.files().isEmpty)
            // Probes stay open; the right token gets an answer.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let right = try await client.execute(uri: "/detect", method: .post, headers: [.authorization: "Bearer s3cret-token"],
                                                 body: ByteBuffer(bytes: clip))
            #expect(right.status == .ok)
        }
        #expect(server.service.analysesStarted == 1)
    }

    @Test func healthReadinessVersionAndOpenAPI() async throws {
        let server = try TestServer()
        let weightsHash = try TestWeights.sha256
        try await server.test { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(try health.json()["status"] as? String == "ok")

            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            let readyJSON = try ready.json()
            #expect(readyJSON["ready"] as? Bool == true)
            #expect((readyJSON["pool"] as? [String: Any])?["workers"] as? Int == 1)

            let version = try await client.execute(uri: "/version", method: .get)
            #expect(version.status == .ok)
            let versionJSON = try version.json()
            #expect(versionJSON["tool"] as? String == "syncdefense")
            #expect(versionJSON["version"] as? String == "test")
            #expect(versionJSON["weights_sha256"] as? String == weightsHash)
            #expect(versionJSON["preset"] as? String == "tiny-80")
            #expect(versionJSON["threshold"] as? Double == 0.5)
            #expect(versionJSON["threshold_source"] as? String == "weights")

            let openAPI = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(openAPI.status == .ok)
            let document = try openAPI.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            for route in APIRoute.allCases {
                let item = try #require(paths[route.path] as? [String: Any], "\(route.path) is not documented")
                let operation = try #require(item[route.method.rawValue.lowercased()] as? [String: Any], "\(route) is not documented")
                #expect(operation["responses"] != nil)
            }
            #expect(Set(paths.keys) == Set(APIRoute.allCases.map(\.path)))
        }
    }

    @Test func notReadyWhileLoadingThenReady() async throws {
        let gate = DispatchSemaphore(value: 0)
        let weights = TestWeights.url
        let server = try TestServer { configuration in
            configuration.makeAnalyzer = {
                gate.wait()
                return try Analyzer(weights: weights, version: "test")
            }
        }
        let clip = try SampleClips.data()
        try await server.test(waitForReady: false) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let loading = try await client.execute(uri: "/readyz", method: .get)
            #expect(loading.status == .serviceUnavailable)
            #expect(try loading.json()["state"] as? String == "loading")
            let early = try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: clip))
            #expect(early.status == .serviceUnavailable)
            #expect(try early.errorCode() == "not_ready")
            #expect(early.headers[.retryAfter] != nil)
            gate.signal()
            try await TestServer.waitUntilReady(client)
            #expect(try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: clip)).status == .ok)
        }
    }

    @Test func weightsThatFailToLoadKeepTheServerUnready() async throws {
        let server = try TestServer { configuration in
            configuration.makeAnalyzer = { try Analyzer(weights: URL(fileURLWithPath: "/nonexistent/weights.safetensors"), version: "test") }
        }
        try await server.test(waitForReady: false) { client in
            var state = "loading"
            for _ in 0..<200 where state == "loading" {
                state = try await client.execute(uri: "/readyz", method: .get).json()["state"] as? String ?? "?"
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(state == "failed")
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
        }
    }

    @Test func bearerComparison() {
        #expect(APIMiddleware.authorized("Bearer abc", token: "abc"))
        #expect(APIMiddleware.authorized("bearer   abc ", token: "abc"))
        #expect(!APIMiddleware.authorized("Bearer ab", token: "abc"))
        #expect(!APIMiddleware.authorized("Bearer abcd", token: "abc"))
        #expect(!APIMiddleware.authorized("Bearer", token: "abc"))
        #expect(!APIMiddleware.authorized(nil, token: "abc"))
    }

    @Test func configurationIsValidated() throws {
        var configuration = ServerConfiguration(version: "test") { throw ConfigurationError("unused") }
        configuration.workers = 0
        #expect(throws: ConfigurationError("workers must be at least 1")) { try configuration.validate() }
        configuration.workers = 1
        configuration.bearerToken = ""
        #expect(throws: ConfigurationError("the bearer token is empty")) { try configuration.validate() }
    }
}
