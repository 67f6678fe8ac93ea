/// The dictionary in a `.npy` header: `{'descr': '<f4', 'fortran_order': False, 'shape': (80, 181), }`.
struct NPYHeader: Equatable {
    /// The dtype string, e.g. `<f4`.
    var descr: String
    /// Whether the data is column-major.
    var fortranOrder: Bool
    /// Dimensions, outermost first.
    var shape: [Int]

    /// The header as NumPy writes it (without padding or the final newline).
    var text: String {
        let dims: String = switch shape.count {
        case 0: "()"
        case 1: "(\(shape[0]),)"
        default: "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(dims), }"
    }

    /// Parses the Python dict literal of a header.
    /// - Parameter text: the header text (trailing spaces and newline allowed).
    /// - Throws: ``NPYError/malformedHeader(_:)`` for anything but string keys mapping to a
    ///   string, `True`/`False`, or a tuple of nonnegative integers; or when `descr`,
    ///   `fortran_order` or `shape` is missing.
    init(parsing text: String) throws {
        var parser = Parser(text: Array(text.utf8))
        let entries = try parser.dictionary()
        parser.skipSpace()
        guard parser.atEnd else { throw NPYError.malformedHeader("text after the closing brace") }

        guard case let .string(descr)? = entries["descr"] else { throw NPYError.malformedHeader("no string 'descr'") }
        guard case let .bool(fortran)? = entries["fortran_order"] else {
            throw NPYError.malformedHeader("no True/False 'fortran_order'")
        }
        guard case let .tuple(shape)? = entries["shape"] else { throw NPYError.malformedHeader("no tuple 'shape'") }
        self.init(descr: descr, fortranOrder: fortran, shape: shape)
    }

    init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// A header dictionary value.
    private enum Value {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    /// A recursive-descent reader for the small Python-literal subset headers use.
    private struct Parser {
        let text: [UInt8]
        var index = 0

        var atEnd: Bool { index == text.count }

        mutating func skipSpace() {
            while index < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index += 1 }
        }

        mutating func expect(_ character: Character) throws {
            skipSpace()
            guard index < text.count, text[index] == character.asciiValue else {
                throw NPYError.malformedHeader("expected '\(character)' at byte \(index)")
            }
            index += 1
        }

        mutating func consume(_ character: Character) -> Bool {
            skipSpace()
            guard index < text.count, text[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func dictionary() throws -> [String: Value] {
            try expect("{")
            var entries: [String: Value] = [:]
            while !consume("}") {
                let key = try string()
                try expect(":")
                guard entries.updateValue(try value(), forKey: key) == nil else {
                    throw NPYError.malformedHeader("key '\(key)' appears twice")
                }
                if !consume(",") {
                    try expect("}")
                    break
                }
            }
            return entries
        }

        mutating func value() throws -> Value {
            skipSpace()
            guard index < text.count else { throw NPYError.malformedHeader("value missing at end") }
            switch text[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "("): return .tuple(try tuple())
            default:
                let word = identifier()
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                default: throw NPYError.malformedHeader("unexpected value '\(word)' at byte \(index)")
                }
            }
        }

        mutating func string() throws -> String {
            skipSpace()
            guard index < text.count, text[index] == UInt8(ascii: "'") || text[index] == UInt8(ascii: "\"") else {
                throw NPYError.malformedHeader("expected a quoted string at byte \(index)")
            }
            let quote = text[index]
            index += 1
            let start = index
            while index < text.count, text[index] != quote { index += 1 }
            guard index < text.count else { throw NPYError.malformedHeader("unterminated string") }
            defer { index += 1 }
            return String(decoding: text[start..<index], as: UTF8.self)
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var items: [Int] = []
            while !consume(")") {
                items.append(try integer())
                if !consume(",") {
                    try expect(")")
                    break
                }
            }
            return items
        }

        mutating func integer() throws -> Int {
            skipSpace()
            let start = index
            while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { index += 1 }
            guard index > start, let value = Int(String(decoding: text[start..<index], as: UTF8.self)) else {
                throw NPYError.malformedHeader("expected a nonnegative integer at byte \(start)")
            }
            if index < text.count, text[index] == UInt8(ascii: "L") { index += 1 }
            return value
        }

        mutating func identifier() -> String {
            let start = index
            while index < text.count, text[index].isASCIILetter { index += 1 }
            return String(decoding: text[start..<index], as: UTF8.self)
        }
    }
}

private extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
}
