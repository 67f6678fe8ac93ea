import FaceTracking
import Forensics
import Foundation
import Hummingbird
import Media

/// An error answer: a status, a stable machine-readable code and a message for people, sent as
/// `{"error": {"code": …, "message": …, "status": …}}` with any extra headers (`Allow`,
/// `Retry-After`, `WWW-Authenticate`).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
    static let emptyUpload = APIError(.badRequest, code: "empty_upload", "the upload is empty (0 bytes); send the clip as the body or as the multipart field 'file'")
    static func truncatedUpload(_ detail: String) -> APIError {
        APIError(.badRequest, code: "truncated_upload", "the upload ended early (\(detail)); send the whole file again")
    }
    static func tooLarge(limit: Int64) -> APIError {
        APIError(.contentTooLarge, code: "upload_too_large", "the upload exceeds the limit of \(limit) bytes (serve --max-upload raises it)")
    }
    static let unauthorized = APIError(.unauthorized, code: "unauthorized", "this server needs 'Authorization: Bearer <token>'",
                                       headers: [.wwwAuthenticate: "Bearer realm=\"syncdefense\""])
    static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(.methodNotAllowed, code: "method_not_allowed", "\(method.rawValue) is not allowed on \(path); use \(list)",
                        headers: [.allow: list])
    }
    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, code: "not_found", "no endpoint \(path); see GET /openapi.json")
    }
    static func busy(retryAfter seconds: Int, _ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "busy", message, headers: [.retryAfter: String(max(1, seconds))])
    }
    static func notReady(_ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "not_ready", message, headers: [.retryAfter: "5"])
    }
    static let uploadTimedOut = APIError(.requestTimeout, code: "upload_timed_out", "the upload did not arrive within the request time limit")
    static let reportUnavailable = APIError(.notImplemented, code: "report_unavailable",
                                            "report export is not in this build; POST /detect?detail=full gives the full analysis as JSON")

    /// The answer for an error thrown while probing or analysing an upload saved at `path`.
    /// Messages never carry the server's temporary path.
    static func classify(_ error: any Error, uploadPath path: String) -> APIError {
        func clean(_ text: String) -> String { text.replacingOccurrences(of: path, with: "upload") }
        switch error {
        case let error as APIError:
            return error
        case let error as MediaError:
            switch error {
            case .unreadableContainer, .noDecoder:
                return APIError(.unsupportedMediaType, code: "unsupported_media", clean(error.description))
            case .emptyFile:
                return .emptyUpload
            case .regionOutsideFrame(let region, let width, let height):
                return APIError(.unprocessableContent, code: "bad_roi",
                                "roi \(region) is not inside the \(width)×\(height) frame; give roi=x,y,w,h within the displayed frame")
            case .limitExceeded(let what, let value, let limit, _):
                return APIError(.unprocessableContent, code: "media_limit", "\(what) \(value) exceeds this server's limit \(limit)")
            default:
                return APIError(.unprocessableContent, code: "unprocessable_media", clean(error.description))
            }
        case ForensicsError.noFaceFound(let text):
            let cause = text.components(separatedBy: ";").first ?? text
            return APIError(.unprocessableContent, code: "no_face",
                            "\(clean(cause)); give roi=x,y,w,h with the mouth region, or face=whole-frame for a mouth-centred clip")
        case let error as ForensicsError:
            return APIError(.unprocessableContent, code: "unprocessable_media", clean(error.description))
        case let error as FaceTrackingError:
            return APIError(.internalServerError, code: "face_detector_unavailable", error.description)
        default:
            return APIError(.internalServerError, code: "analysis_failed", clean(String(describing: error)))
        }
    }

    /// The JSON answer.
    func response() -> Response {
        struct Body: Encodable {
            struct Detail: Encodable { var code: String; var message: String; var status: Int }
            var error: Detail
        }
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let data = (try? JSONCoding.encoder().encode(Body(error: .init(code: code, message: message, status: status.code)))) ?? Data()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The encoder every JSON answer uses: sorted keys, and non-finite floats as strings (as `detect` prints them).
enum JSONCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// `value` as a 200 JSON answer (or `status`).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
