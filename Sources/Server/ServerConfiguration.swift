import Forensics
import Foundation
import Logging
import Media

/// Everything `syncdefense serve` can be told. Tests build one with small limits and a tiny model;
/// the command fills it from its flags.
public struct ServerConfiguration: Sendable {
    /// Address to listen on; loopback unless the operator says otherwise.
    public var host = "127.0.0.1"
    public var port = 8080
    /// When set, every endpoint but `/healthz` and `/readyz` needs `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// Largest accepted request body, bytes (the raw clip or the whole multipart body) → 413.
    public var maxUploadBytes: Int64 = 200_000_000
    /// Analyses that run at once, one model each.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Requests admitted beyond the running ones (uploading, probing or waiting for a worker);
    /// one more is refused with 503 and `Retry-After`.
    public var queueDepth = 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Upload, wait and analysis of one request together; past it the answer is 408 while the
    /// upload is still arriving, else 503 with `Retry-After`.
    public var requestTimeout: Duration = .seconds(120)
    /// A connection with no request in progress is closed after this long.
    public var idleTimeout: Duration = .seconds(30)
    /// Where uploads are written while they are analysed; nil = a new folder under the system's
    /// temporary folder, made at start and removed at exit. Names inside are the server's own.
    public var uploadDirectory: URL?
    /// Media limits applied to every upload (its file-size limit is `maxUploadBytes`).
    public var limits = MediaLimits()
    /// Uncertainty margin around the threshold when a request does not give one.
    public var defaultMargin: Float = 0.1
    /// The tool's version, reported by `/version` and in every analysis' provenance.
    public var version: String
    /// Builds one analyzer; called once per worker (a model's forward pass is not shared between threads).
    public var makeAnalyzer: @Sendable () throws -> Analyzer
    /// Builds the evidence report for `POST /report`; nil in a build without report export (→ 501).
    public var reportExporter: ReportExporter?
    public var logger: Logger

    public init(version: String, logger: Logger = Logger(label: "syncdefense.server"),
                makeAnalyzer: @escaping @Sendable () throws -> Analyzer) {
        self.version = version
        self.logger = logger
        self.makeAnalyzer = makeAnalyzer
    }

    /// The media limits with the upload limit as the file-size limit.
    var uploadLimits: MediaLimits {
        var limits = self.limits
        limits.maxFileBytes = maxUploadBytes
        return limits
    }

    /// Checks the numbers an operator can get wrong.
    /// - Throws: ``ConfigurationError`` naming the setting.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ConfigurationError("port \(port) is not in 0…65535") }
        guard maxUploadBytes > 0 else { throw ConfigurationError("the upload limit must be positive") }
        guard workers >= 1 else { throw ConfigurationError("workers must be at least 1") }
        guard queueDepth >= 0 else { throw ConfigurationError("the queue depth must not be negative") }
        guard requestTimeout > .zero else { throw ConfigurationError("the request time limit must be positive") }
        guard (0...0.5).contains(defaultMargin) else { throw ConfigurationError("the margin must be in 0…0.5") }
        if let bearerToken, bearerToken.isEmpty { throw ConfigurationError("the bearer token is empty") }
    }
}

/// A server setting that cannot work, with a message that names it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What the report exporter gets: the full analysis (with explanations) and the uploaded clip.
public struct ReportInput: Sendable {
    public var analysis: Analysis
    /// The server's own temporary copy of the upload; it exists only while the exporter runs.
    public var clipPath: String
    public var requestID: String

    public init(analysis: Analysis, clipPath: String, requestID: String) {
        self.analysis = analysis
        self.clipPath = clipPath
        self.requestID = requestID
    }
}

/// A finished evidence report, served as `application/zip`.
public struct ReportArchive: Sendable {
    public var data: Data
    /// Suggested download name (`Content-Disposition`); the server keeps only a safe basename.
    public var filename: String

    public init(data: Data, filename: String) {
        self.data = data
        self.filename = filename
    }
}

/// The hook that `POST /report` calls after the analysis. The report module provides it; until
/// then `ServerConfiguration.reportExporter` is nil and the endpoint answers 501.
public typealias ReportExporter = @Sendable (ReportInput) async throws -> ReportArchive
