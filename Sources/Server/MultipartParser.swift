import Foundation

/// A streaming `multipart/form-data` parser (RFC 7578): bytes go in as they arrive, events come
/// out, and memory stays bounded by the delimiter and one part's headers, whatever the upload's size.
///
/// `feed(_:)` returns what the new bytes completed; `finish()` throws when the body stopped
/// before the closing delimiter (a truncated upload).
struct MultipartParser {
    /// One part's headers, as far as the server needs them.
    struct PartHead: Equatable {
        var name: String
        var filename: String?
        var contentType: String?
    }

    enum Event: Equatable {
        case begin(PartHead)
        case data([UInt8])
        case end
    }

    enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case truncated
        var description: String {
            switch self {
            case .malformed(let text): return "malformed multipart body: \(text)"
            case .truncated: return "the multipart body ends before its closing boundary"
            }
        }
    }

    private enum State {
        /// Before the first delimiter (the preamble is ignored).
        case preamble
        /// Just after a delimiter: `--` closes the body, CRLF starts a part.
        case afterDelimiter
        case headers
        case body
        case done
    }

    /// Longest header block of one part.
    static let maxHeaderBytes = 16 * 1024

    private let delimiter: [UInt8]       // CRLF "--" boundary
    private var state = State.preamble
    private var pending: [UInt8] = []

    /// - Throws: ``ParseError/malformed(_:)`` for a boundary RFC 2046 does not allow.
    init(boundary: String) throws {
        guard (1...70).contains(boundary.utf8.count), !boundary.hasSuffix(" ") else {
            throw ParseError.malformed("the boundary must be 1 to 70 characters")
        }
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body without the CRLF before it.
        pending = [13, 10]
    }

    /// The boundary parameter of a `multipart/form-data` content type, or nil for any other type.
    /// - Throws: ``ParseError/malformed(_:)`` when the type is multipart but has no boundary.
    static func boundary(contentType: String) throws -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = parts.first, type.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        throw ParseError.malformed("multipart/form-data without a boundary parameter")
    }

    /// Parses `bytes`; returns the events they complete, in order.
    mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        var consumed = 0
        loop: while true {
            switch state {
            case .preamble:
                guard let at = find(delimiter, in: pending, from: consumed) else {
                    // Keep only what could still begin a delimiter.
                    consumed = max(consumed, pending.count - (delimiter.count - 1))
                    break loop
                }
                consumed = at + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard pending.count - consumed >= 2 else { break loop }
                let a = pending[consumed], b = pending[consumed + 1]
                if a == UInt8(ascii: "-"), b == UInt8(ascii: "-") {
                    consumed += 2
                    state = .done
                } else if a == 13, b == 10 {
                    consumed += 2
                    state = .headers
                } else {
                    // Transport padding (spaces or tabs) may follow a delimiter before its CRLF.
                    guard a == 32 || a == 9 else { throw ParseError.malformed("unexpected bytes after a boundary") }
                    consumed += 1
                }
            case .headers:
                guard let end = find([13, 10, 13, 10], in: pending, from: consumed) else {
                    if pending.count - consumed > Self.maxHeaderBytes { throw ParseError.malformed("part headers longer than \(Self.maxHeaderBytes) bytes") }
                    break loop
                }
                guard end - consumed <= Self.maxHeaderBytes else { throw ParseError.malformed("part headers longer than \(Self.maxHeaderBytes) bytes") }
                events.append(.begin(try Self.parseHead(pending[consumed..<end])))
                consumed = end + 4
                state = .body
            case .body:
                if let at = find(delimiter, in: pending, from: consumed) {
                    if at > consumed { events.append(.data(Array(pending[consumed..<at]))) }
                    events.append(.end)
                    consumed = at + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Everything but a possible delimiter prefix at the end is part data.
                    let safe = pending.count - (delimiter.count - 1)
                    if safe > consumed {
                        events.append(.data(Array(pending[consumed..<safe])))
                        consumed = safe
                    }
                    break loop
                }
            case .done:
                // The epilogue is ignored.
                consumed = pending.count
                break loop
            }
        }
        pending.removeFirst(consumed)
        return events
    }

    /// Ends the body. - Throws: ``ParseError/truncated`` unless the closing delimiter was seen.
    func finish() throws {
        guard case .done = state else { throw ParseError.truncated }
    }

    /// `Content-Disposition: form-data; name="…"; filename="…"` and `Content-Type`.
    static func parseHead(_ block: ArraySlice<UInt8>) throws -> PartHead {
        guard let text = String(bytes: block, encoding: .utf8) else { throw ParseError.malformed("part headers are not UTF-8") }
        var name: String?
        var filename: String?
        var contentType: String?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { throw ParseError.malformed("a part header line without ':'") }
            let field = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch field {
            case "content-disposition":
                let parameters = parseParameters(value)
                guard parameters.type == "form-data" else { throw ParseError.malformed("a part whose disposition is not form-data") }
                name = parameters.values["name"]
                filename = parameters.values["filename"]
            case "content-type":
                contentType = value
            default:
                continue
            }
        }
        guard let name else { throw ParseError.malformed("a part without a name") }
        return PartHead(name: name, filename: filename, contentType: contentType)
    }

    /// `type; key=value; key="quoted; value"` → lowercased type and keys.
    static func parseParameters(_ value: String) -> (type: String, values: [String: String]) {
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped { current.append(character); escaped = false; continue }
            if quoted, character == "\\" { escaped = true; continue }
            if character == "\"" { quoted.toggle(); continue }
            if character == ";", !quoted { items.append(current); current = ""; continue }
            current.append(character)
        }
        items.append(current)
        let type = items.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var values: [String: String] = [:]
        for item in items.dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            values[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return (type, values)
    }

    /// First index ≥ `start` where `needle` occurs in `haystack`.
    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
