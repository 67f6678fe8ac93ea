import Foundation

/// A minimal XML element reader for OpenCV's cascade files: elements, their text and children.
/// Attributes are kept; comments, processing instructions and the prolog are skipped. Anything
/// malformed throws ``FaceTrackingError/malformedCascade(_:)`` with the byte offset.
struct CascadeXML {
    struct Element {
        var name: String
        var attributes: [String: String] = [:]
        var children: [Element] = []
        var text = ""

        func child(_ name: String) -> Element? { children.first { $0.name == name } }

        /// The trimmed text of child `name`.
        func value(_ name: String) -> String? {
            child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
    }

    /// The document's root element.
    static func parse(_ text: String) throws -> Element {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> Element {
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw fail("no root element") }
                if starts(with: "<?") { try skip(past: "?>") }
                else if starts(with: "<!--") { try skip(past: "-->") }
                else if starts(with: "<!") { try skip(past: ">") }
                else if bytes[position] == UInt8(ascii: "<") { return try element() }
                else { throw fail("text outside the root element") }
            }
        }

        mutating func element() throws -> Element {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw fail("elements nested deeper than 64") }
            position += 1 // <
            let name = readName()
            guard !name.isEmpty else { throw fail("element without a name") }
            var node = Element(name: name)
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated <\(name)>") }
                if starts(with: "/>") { position += 2; return node }
                if bytes[position] == UInt8(ascii: ">") { position += 1; break }
                let key = readName()
                skipWhitespace()
                guard !key.isEmpty, position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw fail("bad attribute in <\(name)>") }
                position += 1
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                    throw fail("unquoted attribute in <\(name)>")
                }
                let quote = bytes[position]
                position += 1
                let start = position
                while position < bytes.count, bytes[position] != quote { position += 1 }
                guard position < bytes.count else { throw fail("unterminated attribute in <\(name)>") }
                node.attributes[key] = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 1
            }
            var text: [UInt8] = []
            while true {
                guard position < bytes.count else { throw fail("unterminated <\(name)>") }
                let byte = bytes[position]
                if byte != UInt8(ascii: "<") {
                    text.append(byte)
                    position += 1
                    continue
                }
                if starts(with: "<!--") { try skip(past: "-->"); continue }
                if starts(with: "</") {
                    position += 2
                    let closing = readName()
                    guard closing == name else { throw fail("</\(closing)> closes <\(name)>") }
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw fail("bad closing tag </\(name)") }
                    position += 1
                    node.text = String(decoding: text, as: UTF8.self)
                    return node
                }
                if bytes[position] == UInt8(ascii: "<") {
                    node.children.append(try element())
                    continue
                }
                text.append(bytes[position])
                position += 1
            }
        }

        mutating func readName() -> String {
            let start = position
            while position < bytes.count {
                let b = bytes[position]
                let isNameByte = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
                guard isNameByte else { break }
                position += 1
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        func starts(with literal: String) -> Bool {
            var p = position
            for b in literal.utf8 {
                guard p < bytes.count, bytes[p] == b else { return false }
                p += 1
            }
            return true
        }

        mutating func skip(past literal: String) throws {
            let l = Array(literal.utf8)
            while position + l.count <= bytes.count {
                if starts(with: literal) { position += l.count; return }
                position += 1
            }
            throw fail("unterminated '\(String(decoding: l, as: UTF8.self))' section")
        }

        func fail(_ message: String) -> FaceTrackingError {
            .malformedCascade("\(message) (byte \(position))")
        }
    }
}
