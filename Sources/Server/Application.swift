import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the HTTP application around `service`: routes from ``APIRoute``, the checking and
/// logging middleware, the HTTP/1.1 server on the configured address, and a start-up service that
/// loads the models (so `/healthz` answers at once and `/readyz` once the weights are in).
///
/// Tests drive the result with HummingbirdTesting's `app.test(.router)` — no sockets; the
/// `serve` command runs it with `runService()`, which shuts down gracefully on SIGTERM and SIGINT:
/// the listener closes, requests in flight finish, then the upload folder is removed.
public func buildApplication(_ service: DetectionService) -> some ApplicationProtocol {
    let configuration = service.configuration
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: APIMiddleware(token: configuration.bearerToken))
    let openAPI = OpenAPIDocument.json(configuration: configuration)
    for route in APIRoute.allCases {
        switch route {
        case .detect:
            router.post(.init(stringLiteral: route.path)) { request, context in try await service.detect(request, context: context, report: false) }
        case .report:
            router.post(.init(stringLiteral: route.path)) { request, context in try await service.detect(request, context: context, report: true) }
        case .healthz:
            router.get(.init(stringLiteral: route.path)) { _, _ in try JSONCoding.response(["status": "ok"]) }
        case .readyz:
            router.get(.init(stringLiteral: route.path)) { _, _ in try service.readiness() }
        case .version:
            router.get(.init(stringLiteral: route.path)) { _, _ in try service.version() }
        case .openapi:
            router.get(.init(stringLiteral: route.path)) { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
            }
        }
    }
    let logger = configuration.logger
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.seconds * 1e9)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "syncdefense"),
        services: [WorkerLifecycle(service: service)],
        onServerRunning: { channel in
            logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        },
        logger: logger
    )
}

/// Loads the models at start; at shutdown — after the HTTP server has finished its requests,
/// since a service group stops its services in reverse order — removes what is left in the upload folder.
struct WorkerLifecycle: Service {
    let service: DetectionService

    func run() async throws {
        await service.loadWorkers()
        try? await gracefulShutdown()
        service.uploads.removeAll()
        service.configuration.logger.info("stopped")
    }
}

extension DetectionService {
    /// Serves until SIGTERM or SIGINT, then shuts down gracefully (requests in flight finish) and
    /// removes the upload folder.
    /// - Throws: errors binding the address.
    public func serve() async throws {
        defer { uploads.removeAll() }
        try await buildApplication(self).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Log output of `serve`.
public enum ServerLogging {
    public enum Format: String, CaseIterable, Sendable {
        /// One JSON object per line (``JSONLogHandler``).
        case json
        /// swift-log's plain text lines.
        case text
    }

    /// The accepted `--log-level` names.
    public static var levels: [String] { Logger.Level.allCases.map(\.rawValue) }

    /// Installs the handler for the whole process (once) and returns the server's logger.
    /// - Throws: ``ConfigurationError`` for an unknown level.
    public static func bootstrap(format: Format, level: String) throws -> Logger {
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ConfigurationError("log level '\(level)' is not one of \(levels.joined(separator: ", "))")
        }
        switch format {
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        case .text: LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        }
        var logger = Logger(label: "syncdefense.server")
        logger.logLevel = parsed
        return logger
    }
}
