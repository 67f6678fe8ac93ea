import Forensics
import Foundation
import Hummingbird
import Logging
import Media

/// The server's state and its handlers: the worker pool, the upload folder and the configuration.
/// ``buildApplication(_:)`` wires it into a Hummingbird application.
public final class DetectionService: Sendable {
    public let configuration: ServerConfiguration
    public let uploads: UploadStore
    let pool: WorkerPool

    /// - Throws: ``ConfigurationError`` for impossible settings; file-system errors making the upload folder.
    public init(configuration: ServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        uploads = try UploadStore(directory: configuration.uploadDirectory)
        pool = WorkerPool(workers: configuration.workers, queueDepth: configuration.queueDepth)
    }

    /// Whether the workers' models are loaded.
    public var isReady: Bool { pool.state == .ready }
    /// Analyses started so far (a request refused before analysis does not count).
    public var analysesStarted: Int { pool.snapshot.analysesStarted }

    /// Loads the workers' models (the application runs it as a service at start).
    func loadWorkers() async {
        configuration.logger.info("loading models", metadata: ["workers": "\(configuration.workers)"])
        await pool.load(configuration.makeAnalyzer)
        switch pool.state {
        case .ready:
            let prototype = pool.prototype
            configuration.logger.info("ready", metadata: [
                "weights_sha256": "\(prototype?.weightsSHA256 ?? "-")", "preset": "\(prototype?.model.configuration.name ?? "-")",
            ])
        case .failed(let message):
            configuration.logger.critical("the model could not be loaded", metadata: ["error": "\(message)"])
        case .loading:
            break
        }
    }

    // MARK: Handlers

    /// `POST /detect` and `POST /report`.
    func detect(_ request: Request, context: APIRequestContext, report: Bool) async throws -> Response {
        let exporter = configuration.reportExporter
        if report, exporter == nil { throw APIError.reportUnavailable }
        var options = try DetectionOptions.parse(request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) })
        try pool.admit()
        defer { pool.leave() }
        let deadline = ContinuousClock.now + configuration.requestTimeout
        let upload = try await UploadReceiver.receive(
            request.body, contentType: request.headers[.contentType],
            declaredLength: request.headers[.contentLength].flatMap { Int64($0) }, limit: configuration.maxUploadBytes,
            store: uploads, deadline: deadline)
        let file = upload.file
        defer { withExtendedLifetime(file) {} }
        context.outcome.record(["upload_bytes": "\(upload.fileBytes)"])
        options = try DetectionOptions.parse(upload.fields, over: options)

        let limits = configuration.uploadLimits
        let margin = configuration.defaultMargin
        do {
            try await Self.offload { try Self.checkStreams(path: file.path, limits: limits) }
        } catch {
            throw APIError.classify(error, uploadPath: file.path)
        }
        let chosen = options
        let analysis: Analysis
        do {
            analysis = try await pool.run(until: deadline) { analyzer in
                let settings = chosen.analysisOptions(for: analyzer, defaultMargin: margin,
                                                       limits: limits, explanations: report)
                return try analyzer.analyze(path: file.path, options: settings)
            }
        } catch {
            throw APIError.classify(error, uploadPath: file.path)
        }
        let verdict = DetectionResponse.verdictWord(analysis)
        context.outcome.record([
            "verdict": "\(verdict)", "probability": "\(analysis.manipulationProbability.map { String(format: "%.4f", $0) } ?? "null")",
            "analysis_s": "\(String(format: "%.3f", analysis.provenance.wallTimeSeconds ?? 0))",
            "input_sha256": "\(analysis.provenance.inputSHA256 ?? "-")",
        ])
        if let exporter, report {
            let archive: ReportArchive
            do {
                archive = try await exporter(ReportInput(analysis: analysis, clipPath: file.path, requestID: context.id))
            } catch {
                throw APIError(.internalServerError, code: "report_failed",
                               "the evidence report could not be made: \(String(describing: error).replacingOccurrences(of: file.path, with: "upload"))")
            }
            var name = URL(fileURLWithPath: archive.filename).lastPathComponent.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            if name.isEmpty { name = "syncdefense-report.zip" }
            return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: archive.data)))
        }
        return try JSONCoding.response(DetectionResponse(analysis: analysis, detail: chosen.detail))
    }

    /// `GET /readyz`: 200 once the models are loaded, else 503.
    func readiness() throws -> Response {
        struct Body: Encodable {
            var ready: Bool
            var state: String
            var error: String?
            var pool: WorkerPool.Snapshot
        }
        switch pool.state {
        case .ready:
            return try JSONCoding.response(Body(ready: true, state: "ready", pool: pool.snapshot))
        case .loading:
            var response = try JSONCoding.response(Body(ready: false, state: "loading", pool: pool.snapshot), status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
            return response
        case .failed(let message):
            return try JSONCoding.response(Body(ready: false, state: "failed", error: message, pool: pool.snapshot), status: .serviceUnavailable)
        }
    }

    /// `GET /version`: the tool, the weights' hash and preset (null while loading), the threshold in use.
    func version() throws -> Response {
        struct Body: Encodable {
            var tool = "syncdefense"
            var version: String
            var api = "1"
            var weightsSHA256: String?
            var preset: String?
            var threshold: Float?
            var thresholdSource: String?
            enum CodingKeys: String, CodingKey {
                case tool, version, api, weightsSHA256 = "weights_sha256", preset, threshold, thresholdSource = "threshold_source"
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(tool, forKey: .tool)
                try c.encode(version, forKey: .version)
                try c.encode(api, forKey: .api)
                try c.encode(weightsSHA256, forKey: .weightsSHA256)
                try c.encode(preset, forKey: .preset)
                try c.encode(threshold, forKey: .threshold)
                try c.encode(thresholdSource, forKey: .thresholdSource)
            }
        }
        let prototype = pool.prototype
        let stored = prototype?.storedThreshold
        return try JSONCoding.response(Body(
            version: configuration.version, weightsSHA256: prototype?.weightsSHA256, preset: prototype?.model.configuration.name,
            threshold: prototype == nil ? nil : stored ?? 0.5, thresholdSource: prototype == nil ? nil : stored == nil ? "default" : "weights"))
    }

    // MARK: Helpers

    /// Probes the upload's content (never its name or declared type) and requires a video and an audio stream.
    /// - Throws: ``MediaError`` (unreadable → 415, no streams or over a limit → 422 by ``APIError/classify(_:uploadPath:)``).
    static func checkStreams(path: String, limits: MediaLimits) throws {
        let info = try MediaProbe.probe(path, limits: limits)
        guard info.video != nil else { throw MediaError.noVideoStream(path: path) }
        guard info.audio != nil else { throw MediaError.noAudioStream(path: path) }
        if let duration = info.durationSeconds, duration > limits.maxDurationSeconds {
            throw MediaError.limitExceeded(what: "duration", value: String(format: "%.0f s", duration),
                                           limit: String(format: "%.0f s", limits.maxDurationSeconds), flag: "--max-duration SECONDS")
        }
    }

    /// Runs blocking work (file probing) on a thread of its own, off the cooperative pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result(catching: work)) }
        }
    }
}
