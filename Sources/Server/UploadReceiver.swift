import Foundation
import Hummingbird

/// An upload saved to the server's own temporary file, with the multipart text fields that came with it.
struct ReceivedUpload {
    let file: TemporaryUpload
    /// Bytes of the clip itself (the whole body when it was sent raw).
    let fileBytes: Int64
    /// Other multipart fields, in order (options such as `threshold`).
    let fields: [(name: String, value: String)]
}

/// Streams a request body to disk: the raw clip, or the multipart field `file`. Memory stays
/// bounded whatever the size; the limit is enforced as bytes arrive.
enum UploadReceiver {
    /// The multipart field that carries the clip.
    static let fileField = "file"
    /// Longest accepted text field.
    static let maxFieldBytes = 4096

    /// Saves `body`.
    /// - Parameters:
    ///   - contentType: the request's `Content-Type`; `multipart/form-data` is parsed, anything else
    ///     is taken as the clip itself (the content is checked later by probing, not by this type).
    ///   - declaredLength: `Content-Length`, when sent: larger than `limit` is refused before reading.
    /// - Throws: ``APIError``: 413 over the limit, 400 empty, truncated or malformed, 408 past the deadline.
    static func receive<Body: AsyncSequence>(_ body: Body, contentType: String?, declaredLength: Int64?, limit: Int64,
                                             store: UploadStore, deadline: ContinuousClock.Instant) async throws -> ReceivedUpload
    where Body.Element == ByteBuffer {
        if let declaredLength, declaredLength > limit { throw APIError.tooLarge(limit: limit) }
        let boundary: String?
        do {
            boundary = try contentType.flatMap { try MultipartParser.boundary(contentType: $0) }
        } catch {
            throw APIError.badRequest(String(describing: error))
        }
        var parser = try boundary.map { boundary in
            do { return try MultipartParser(boundary: boundary) } catch { throw APIError.badRequest(String(describing: error)) }
        }
        let file = try store.makeFile()
        let writer = try UploadWriter(file: file)
        defer { writer.close() }

        var total: Int64 = 0
        var sawFile = false
        var inFile = false
        var field: (name: String, bytes: [UInt8])?
        var fields: [(name: String, value: String)] = []
        do {
            for try await chunk in body {
                total += Int64(chunk.readableBytes)
                if total > limit { throw APIError.tooLarge(limit: limit) }
                if ContinuousClock.now > deadline { throw APIError.uploadTimedOut }
                guard var multipart = parser else {
                    try writer.write(chunk.readableBytesView)
                    continue
                }
                let events = try multipart.feed(chunk.readableBytesView)
                parser = multipart
                for event in events {
                    switch event {
                    case .begin(let head):
                        if head.name == fileField {
                            guard !sawFile else { throw APIError.badRequest("more than one multipart field '\(fileField)'") }
                            sawFile = true
                            inFile = true
                        } else if head.filename != nil {
                            throw APIError.badRequest("multipart field '\(head.name)' carries a file; send the clip in the field '\(fileField)'")
                        } else {
                            field = (head.name, [])
                        }
                    case .data(let bytes):
                        if inFile {
                            try writer.write(bytes)
                        } else if field != nil {
                            field!.bytes += bytes
                            if field!.bytes.count > maxFieldBytes {
                                throw APIError.badRequest("multipart field '\(field!.name)' is longer than \(maxFieldBytes) bytes")
                            }
                        }
                    case .end:
                        if inFile {
                            inFile = false
                        } else if let done = field {
                            fields.append((done.name, String(decoding: done.bytes, as: UTF8.self)))
                            field = nil
                        }
                    }
                }
            }
        } catch let error as APIError {
            throw error
        } catch let error as MultipartParser.ParseError {
            throw APIError.badRequest(error.description)
        } catch {
            // The body stream failed: the client closed the connection or sent a broken request.
            throw APIError.truncatedUpload("the body stream failed after \(total) bytes")
        }
        if let declaredLength, total != declaredLength {
            throw APIError.truncatedUpload("received \(total) of the \(declaredLength) bytes announced by Content-Length")
        }
        if let parser {
            do { try parser.finish() } catch { throw APIError.truncatedUpload("the multipart body ends before its closing boundary") }
            guard sawFile else { throw APIError.badRequest("the multipart body has no field '\(fileField)' with the clip") }
        }
        guard writer.bytesWritten > 0 else { throw APIError.emptyUpload }
        return ReceivedUpload(file: file, fileBytes: writer.bytesWritten, fields: fields)
    }
}

/// Appends to an upload file; write failures become a 507 answer.
private final class UploadWriter {
    private let handle: FileHandle
    private(set) var bytesWritten: Int64 = 0

    init(file: TemporaryUpload) throws {
        do {
            handle = try FileHandle(forWritingTo: file.url)
        } catch {
            throw APIError(.internalServerError, code: "storage", "the server could not store the upload")
        }
    }

    func write(_ bytes: some Sequence<UInt8>) throws {
        let data = Data(bytes)
        guard !data.isEmpty else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), code: "storage", "the server ran out of room for the upload")
        }
        bytesWritten += Int64(data.count)
    }

    func close() { try? handle.close() }
}
