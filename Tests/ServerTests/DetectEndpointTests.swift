import Foundation
import Hummingbird
import HummingbirdTesting
import Media
import Testing
@testable import Server

@Suite struct DetectEndpointTests {
    static let seedKeys: Set<String> = ["is_real", "is_fake", "confidence", "manipulation_probability"]

    @Test func rawClipAnswersTheSeedSchemaExactly() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        try await server.test { client in
            let response = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: "video/mp4"],
                                                    body: ByteBuffer(bytes: clip))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let json = try response.json()
            #expect(Set(json.keys) == Self.seedKeys)
            let isReal = try #require(json["is_real"] as? Bool), isFake = try #require(json["is_fake"] as? Bool)
            let confidence = try #require(json["confidence"] as? Double)
            #expect((0...1).contains(confidence))
            if let p = json["manipulation_probability"] as? Double {
                #expect((0...1).contains(p))
                #expect(isReal != isFake)
            } else {
                #expect(json["manipulation_probability"] is NSNull)
                #expect(!isReal && !isFake)
            }
            // The access log line carries the request id, the verdict and the duration.
            let requestID = try #require(response.headers[APIMiddleware.requestIDField])
            let line = try #require(server.logs.requests.first { $0["path"] as? String == "/detect" })
            #expect(line["hb.request.id"] as? String == requestID)
            #expect(["real", "fake", "uncertain", "no_speech"].contains(line["verdict"] as? String ?? ""))
            #expect(Double(line["duration_ms"] as? String ?? "") != nil)
            #expect(line["status"] as? String == "200")
        }
        #expect(server.service.analysesStarted == 1)
    }

    @Test func detailFullAddsTheAnalysisAndHonoursOptions() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data("offset.mp4")
        let expectedHash = try SHA256.hex(fileAt: SampleClips.folder.appendingPathComponent("offset.mp4"))
        let weightsHash = try TestWeights.sha256
        try await server.test { client in
            let response = try await client.execute(uri: "/detect?detail=full&threshold=0.25&margin=0.05", method: .post,
                                                    body: ByteBuffer(bytes: clip))
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(Set(json.keys) == Self.seedKeys.union(["analysis"]))
            let analysis = try #require(json["analysis"] as? [String: Any])
            let provenance = try #require(analysis["provenance"] as? [String: Any])
            #expect(provenance["input_sha256"] as? String == expectedHash)
            #expect(provenance["weights_sha256"] as? String == weightsHash)
            let verdict = try #require(analysis["verdict"] as? [String: Any])
            #expect(verdict["threshold"] as? Double == 0.25)
            #expect(verdict["margin"] as? Double == 0.05)
            #expect((analysis["timelines"] as? [String: Any])?["sync"] != nil)
        }
    }

    @Test func multipartFieldFileCarriesTheClipAndFieldsCarryOptions() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        let expectedHash = try SHA256.hex(fileAt: SampleClips.folder.appendingPathComponent("genuine.mp4"))
        var form = MultipartBody()
        form.addField("detail", "full")
        // The client's file name is never used: a path in it must not matter.
        form.addFile("file", filename: "../../etc/passwd", clip)
        form.addField("threshold", "0.75")
        let body = form.closed()
        let contentType = form.contentType
        try await server.test { client in
            let response = try await client.execute(uri: "/detect?threshold=0.1", method: .post, headers: [.contentType: contentType],
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .ok)
            let analysis = try #require(try response.json()["analysis"] as? [String: Any])
            // Byte-exact: the hash of what the server analysed is the sample's.
            #expect((analysis["provenance"] as? [String: Any])?["input_sha256"] as? String == expectedHash)
            // The form field overrides the query option.
            #expect((analysis["verdict"] as? [String: Any])?["threshold"] as? Double == 0.75)
        }
    }

    @Test func multipartWithoutFileFieldIsRefused() async throws {
        let server = try TestServer()
        var form = MultipartBody()
        form.addFile("video", filename: "clip.mp4", try SampleClips.data())
        let body = form.closed()
        let contentType = form.contentType
        try await server.test { client in
            let response = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: contentType],
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "bad_request")
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["message"] as? String == "multipart field 'video' carries a file; send the clip in the field 'file'")
            // Options alone, no clip.
            var options = MultipartBody()
            options.addField("detail", "full")
            let onlyOptions = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: options.contentType],
                                                       body: ByteBuffer(bytes: options.closed()))
            #expect(onlyOptions.status == .badRequest)
            let message = try #require(try onlyOptions.json()["error"] as? [String: Any])["message"] as? String
            #expect(message == "the multipart body has no field 'file' with the clip")
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func truncatedMultipartUploadIsRefused() async throws {
        let server = try TestServer()
        var form = MultipartBody()
        form.addFile("file", filename: "clip.mp4", try SampleClips.data())
        // Cut inside the clip: no closing boundary ever arrives.
        let body = form.data.prefix(form.data.count / 2)
        let contentType = form.contentType
        try await server.test { client in
            let response = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: contentType],
                                                    body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "truncated_upload")
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func truncatedClipIsRefusedAfterProbing() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        try await server.test { client in
            let response = try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: clip.prefix(clip.count / 3)))
            #expect(response.status == .unprocessableContent || response.status == .unsupportedMediaType)
            let error = try #require(try response.json()["error"] as? [String: Any])
            let message = try #require(error["message"] as? String)
            #expect(!message.contains(server.service.uploads.directory.path), "the message leaks the server's path: \(message)")
        }
    }

    @Test func regionOutsideTheFrameIs422() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        try await server.test { client in
            let response = try await client.execute(uri: "/detect?roi=0,0,10000,10000", method: .post, body: ByteBuffer(bytes: clip))
            #expect(response.status == .unprocessableContent)
            #expect(try response.errorCode() == "bad_roi")
        }
    }

    @Test func oversizeUploadIs413WithoutAnalysis() async throws {
        let server = try TestServer { $0.maxUploadBytes = 10_000 }
        let clip = try SampleClips.data()
        try #require(clip.count > 10_000)
        try await server.test { client in
            let response = try await client.execute(uri: "/detect", method: .post, body: ByteBuffer(bytes: clip))
            #expect(response.status == .contentTooLarge)
            #expect(try response.errorCode() == "upload_too_large")
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func emptyUploadIs400() async throws {
        let server = try TestServer()
        try await server.test { client in
            let raw = try await client.execute(uri: "/detect", method: .post)
            #expect(raw.status == .badRequest)
            #expect(try raw.errorCode() == "empty_upload")
            var form = MultipartBody()
            form.addFile("file", filename: "empty.mp4", Data())
            let response = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: form.contentType],
                                                    body: ByteBuffer(bytes: form.closed()))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "empty_upload")
        }
    }

    @Test func garbageIs415AndAVideoNameDoesNotHelp() async throws {
        let server = try TestServer()
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try await server.test { client in
            let raw = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: "video/mp4"],
                                               body: ByteBuffer(bytes: garbage))
            #expect(raw.status == .unsupportedMediaType)
            #expect(try raw.errorCode() == "unsupported_media")
            var form = MultipartBody()
            form.addFile("file", filename: "clip.mp4", Data("this is a text file, not a video\n".utf8))
            let text = try await client.execute(uri: "/detect", method: .post, headers: [.contentType: form.contentType],
                                                body: ByteBuffer(bytes: form.closed()))
            #expect(text.status == .unsupportedMediaType || text.status == .unprocessableContent)
            #expect(try text.json()["error"] != nil)
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func badOptionsAre400BeforeTheUploadIsRead() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        try await server.test { client in
            for query in ["threshold=1.5", "margin=abc", "roi=1,2,3", "detail=everything", "treshold=0.5", "face=left", "face=-1",
                          "aggregation=top-0", "aggregation=mode"] {
                let response = try await client.execute(uri: "/detect?\(query)", method: .post, body: ByteBuffer(bytes: clip))
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.errorCode() == "bad_request", "\(query)")
            }
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func reportAnswers501UntilAnExporterIsWired() async throws {
        let server = try TestServer()
        let clip = try SampleClips.data()
        try await server.test { client in
            let response = try await client.execute(uri: "/report", method: .post, body: ByteBuffer(bytes: clip))
            #expect(response.status == .notImplemented)
            #expect(try response.errorCode() == "report_unavailable")
        }
        #expect(server.service.analysesStarted == 0)
    }

    @Test func reportHookGetsTheFullAnalysisAndTheClip() async throws {
        let clip = try SampleClips.data()
        let server = try TestServer { configuration in
            configuration.reportExporter = { input in
                // The exporter sees explanations and can read the clip while it runs.
                let size = try FileManager.default.attributesOfItem(atPath: input.clipPath)[.size] as? Int ?? -1
                let hasExplanations = input.analysis.explanations != nil
                return ReportArchive(data: Data("PK size=\(size) explanations=\(hasExplanations)".utf8), filename: "../report 1.zip")
            }
        }
        try await server.test { client in
            let response = try await client.execute(uri: "/report", method: .post, body: ByteBuffer(bytes: clip))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/zip")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"report1.zip\"")
            #expect(String(buffer: response.body) == "PK size=\(clip.count) explanations=true")
        }
    }
}

@Suite struct FaceOptionTests {
    @Test func faceSelectsTheFramingAndRoiWins() throws {
        #expect(try DetectionOptions.parse([("face", "2")]).face == .face(2))
        #expect(try DetectionOptions.parse([("face", "whole-frame")]).face == .wholeFrame)
        #expect(try DetectionOptions.parse([]).face == .automatic)
        let both = try DetectionOptions.parse([("face", "1"), ("roi", "10,20,30,40")])
        #expect(both.region == RegionOfInterest(x: 10, y: 20, width: 30, height: 40))
    }

    @Test func aggregationSelectsTheRule() throws {
        #expect(try DetectionOptions.parse([]).aggregation == .mean)
        #expect(try DetectionOptions.parse([("aggregation", "top-3")]).aggregation == .topKMean(3))
        #expect(try DetectionOptions.parse([("aggregation", "max")]).aggregation == .maximum)
    }
}
