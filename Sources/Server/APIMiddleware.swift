import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The request context: Hummingbird's own (with its request id in the logger's metadata) plus
/// what the handler learned for the access log.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Filled by the detect handler: the verdict word and bytes received, logged with the request.
    let outcome = RequestOutcome()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// What a handler reports back to the access log.
final class RequestOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var values: Logger.Metadata = [:]

    func record(_ metadata: Logger.Metadata) {
        lock.withLock { values.merge(metadata) { $1 } }
    }

    var metadata: Logger.Metadata { lock.withLock { values } }
}

/// Runs before every handler: unknown path → 404, wrong method → 405 with `Allow`, missing or
/// wrong bearer token → 401 before the body is read; every error becomes a JSON answer; every
/// answer carries `X-Request-Id`; one structured log line per request with its duration.
struct APIMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            try check(request)
            response = try await next(request, context)
        } catch let error as APIError {
            context.outcome.record(["error": "\(error.code)"])
            response = error.response()
        } catch let error as HTTPError {
            response = APIError(error.status, code: "http_error", error.body ?? error.status.reasonPhrase).response()
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            response = APIError(.internalServerError, code: "internal", "the server failed to answer").response()
        }
        response.headers[Self.requestIDField] = context.id
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "duration_ms": "\(String(format: "%.1f", (ContinuousClock.now - start).seconds * 1000))",
        ]
        metadata.merge(context.outcome.metadata) { $1 }
        context.logger.info("request", metadata: metadata)
        return response
    }

    private func check(_ request: Request) throws {
        let path = request.uri.path
        let routes = APIRoute.routes(at: path)
        guard !routes.isEmpty else { throw APIError.notFound(path) }
        guard let route = routes.first(where: { $0.method == request.method }) else {
            throw APIError.methodNotAllowed(request.method, path: path, allowed: routes.map(\.method))
        }
        if route.needsToken, let token, !Self.authorized(request.headers[.authorization], token: token) {
            throw APIError.unauthorized
        }
    }

    /// Whether `header` is `Bearer <token>`; compares in time independent of where they differ.
    static func authorized(_ header: String?, token: String) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8), expected = Array(token.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for i in 0..<expected.count { difference |= expected[i] ^ (i < given.count ? given[i] : 0) }
        return difference == 0
    }
}
