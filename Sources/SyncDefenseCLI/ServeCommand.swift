import ArgumentParser
import Forensics
import Foundation
import Media
import Report
import Server
import Tensor

/// `syncdefense serve`: the HTTP API (`POST /detect`, `/healthz`, `/readyz`, `/version`,
/// `/openapi.json`). Everything but flag parsing lives in the `Server` module; see Docs/api.md.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the detector over HTTP (POST /detect).",
        discussion: """
        Listens on 127.0.0.1:8080 unless told otherwise. POST a clip to /detect as the raw body or as \
        multipart/form-data (field "file"); the answer is the seed's JSON, with the whole analysis under \
        "analysis" when ?detail=full. SIGTERM or SIGINT stops accepting, lets requests in flight finish, \
        and removes the upload folder. Logs go to stderr, one JSON object per line by default.
        """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the log says which).")
    var port = 8080

    @Option(name: .customLong("token-file"), help: "File holding a bearer token that every request but /healthz and /readyz must send.")
    var tokenFile: String?

    @Option(help: "Weights file (default: the shipped compact weights).")
    var weights: String?

    @Option(help: "Analyses that run at once, one model each (default: the number of cores).")
    var workers: Int?

    @Option(help: "Requests admitted beyond the running ones before 503 (default: 4 × workers).")
    var queue: Int?

    @Option(name: .customLong("max-upload"), help: "Largest accepted upload, bytes (→ 413).")
    var maxUpload: Int64 = 200_000_000

    @Option(help: "Time limit of one request (upload, wait and analysis), seconds.")
    var timeout: Double = 120

    @Option(name: .customLong("max-duration"), help: "Longest accepted clip, seconds.")
    var maxDuration: Double = 600

    @Option(name: .customLong("max-resolution"), help: "Largest accepted frame width or height, pixels.")
    var maxResolution: Int = 4096

    @Option(name: .customLong("upload-dir"), help: "Folder for uploads while they are analysed (default: a new private temporary folder).")
    var uploadDirectory: String?

    @Option(name: .customLong("log-format"), help: "json or text.")
    var logFormat: String = ServerLogging.Format.json.rawValue

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let queue, queue < 0 { throw ValidationError("--queue must not be negative") }
        guard maxUpload > 0 else { throw ValidationError("--max-upload must be positive") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
        guard maxDuration > 0, maxResolution > 0 else { throw ValidationError("--max-duration and --max-resolution must be positive") }
        guard ServerLogging.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be json or text") }
        guard ServerLogging.levels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of \(ServerLogging.levels.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let logger = try ServerLogging.bootstrap(format: ServerLogging.Format(rawValue: logFormat) ?? .json, level: logLevel)
        let weightsURL = try WeightsLocator.locate(weights)
        guard FileManager.default.isReadableFile(atPath: weightsURL.path) else {
            throw ValidationError("weights \(weightsURL.path): no such readable file")
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let workerCount = workers ?? cores
        // Workers share the cores: each model's kernels get their share, not all of them.
        Engine.setThreadCount(max(1, cores / workerCount))

        var configuration = ServerConfiguration(version: SyncDefenseVersion.string, logger: logger) {
            try Analyzer(weights: weightsURL, version: SyncDefenseVersion.string)
        }
        configuration.reportExporter = { input in
            // The evidence report of the upload, written to a private temporary folder, zipped, removed.
            let analyzer = try Analyzer(weights: weightsURL, version: SyncDefenseVersion.string)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-report-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let folder = try EvidenceReportMaker.write(analysis: input.analysis, analyzer: analyzer, weightsPath: weightsURL.lastPathComponent,
                                                       inputPath: input.clipPath,
                                                       region: input.analysis.provenance.parameters["region"].flatMap { try? RegionOfInterest(parsing: $0) },
                                                       analyst: nil, bookmarks: [],
                                                       force: false, to: scratch.appendingPathComponent("report"))
            return ReportArchive(data: try ZipArchive.make(folder: folder), filename: "syncdefense-report-\(input.requestID).zip")
        }
        configuration.host = host
        configuration.port = port
        configuration.workers = workerCount
        configuration.queueDepth = queue ?? 4 * workerCount
        configuration.maxUploadBytes = maxUpload
        configuration.requestTimeout = .milliseconds(Int64(timeout * 1000))
        configuration.limits.maxDurationSeconds = maxDuration
        configuration.limits.maxDimension = maxResolution
        configuration.uploadDirectory = uploadDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
        if let tokenFile { configuration.bearerToken = try Self.readToken(tokenFile) }
        do {
            let service = try DetectionService(configuration: configuration)
            try await service.serve()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// The token file's first line, trimmed.
    static func readToken(_ path: String) throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--token-file \(path): cannot read it (\(error.localizedDescription))")
        }
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw ValidationError("--token-file \(path): the file holds no token") }
        return token
    }
}
