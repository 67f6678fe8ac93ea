import Hummingbird

/// Every endpoint, in one table: the router, the method check (405 with `Allow`), the token check
/// and `/openapi.json` are all made from it.
public enum APIRoute: CaseIterable, Sendable {
    case detect, report, healthz, readyz, version, openapi

    public var path: String {
        switch self {
        case .detect: return "/detect"
        case .report: return "/report"
        case .healthz: return "/healthz"
        case .readyz: return "/readyz"
        case .version: return "/version"
        case .openapi: return "/openapi.json"
        }
    }

    public var method: HTTPRequest.Method {
        switch self {
        case .detect, .report: return .post
        case .healthz, .readyz, .version, .openapi: return .get
        }
    }

    /// Whether a configured bearer token is required. Liveness and readiness stay open for
    /// orchestrators' probes; they carry no analysis and no provenance.
    public var needsToken: Bool {
        switch self {
        case .healthz, .readyz: return false
        case .detect, .report, .version, .openapi: return true
        }
    }

    /// Routes registered at `path`.
    static func routes(at path: String) -> [APIRoute] { allCases.filter { $0.path == path } }
}
