import Foundation

/// Element types a safetensors header may name. Every type is understood for validation;
/// `F32`, `F16` and `BF16` can be read as tensors.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
        }
    }
}

/// One tensor's header entry.
public struct SafeTensorsEntry: Sendable, Equatable {
    /// The tensor's key, e.g. `visual.stem.conv.weight`.
    public let name: String
    /// The element type as stored.
    public let dtype: SafeTensorsDType
    /// Extents, outermost first.
    public let shape: [Int]
    /// Byte range within the data section (after the header).
    public let byteRange: Range<Int>
}

/// A validated safetensors file: an 8-byte little-endian header length, a JSON header, then the
/// tensor bytes.
///
/// The file is treated as hostile input. Opening it checks, before any tensor is read: the header
/// length against the file size and `maximumHeaderSize`; that the header is strict JSON (no
/// duplicate keys, bounded nesting) holding an object; that every entry has a known dtype, a shape
/// of non-negative integers, and `data_offsets` whose length equals shape × dtype size without
/// overflow; that the entries tile the data section exactly (no gaps, overlaps or trailing bytes);
/// and that `__metadata__` maps strings to strings. Any failure throws `TensorError.safetensors`
/// saying what was wrong.
public struct SafeTensorsFile: Sendable {
    /// The largest header accepted (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000

    /// The header's `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// Entries sorted by name.
    public let entries: [SafeTensorsEntry]
    private let data: Data
    private let dataStart: Int

    /// Opens a file, memory-mapping it where the platform allows.
    /// - Throws: file-system errors, or `TensorError.safetensors` for an invalid file.
    public init(contentsOf url: URL) throws {
        try self.init(data: Data(contentsOf: url, options: .mappedIfSafe))
    }

    /// Validates the bytes of a file.
    /// - Throws: `TensorError.safetensors` for an invalid file.
    public init(data: Data) throws {
        let data = Data(data)  // indices from 0 even when handed a slice
        guard data.count >= 8 else {
            throw TensorError.safetensors("file of \(data.count) bytes is too short to hold the 8-byte header length")
        }
        let declared = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }.littleEndian
        guard declared <= UInt64(Self.maximumHeaderSize) else {
            throw TensorError.safetensors("header length \(declared) exceeds the limit of \(Self.maximumHeaderSize) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= data.count - 8 else {
            throw TensorError.safetensors("truncated: header length \(headerLength) but only \(data.count - 8) bytes follow")
        }
        let headerBytes = [UInt8](data[8..<(8 + headerLength)])
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw TensorError.safetensors("header does not start with '{'")
        }
        guard case let .object(members) = try HeaderJSONParser.parse(headerBytes) else {
            throw TensorError.safetensors("header is not a JSON object")
        }
        let dataLength = data.count - 8 - headerLength
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.metadata(value)
            } else {
                entries.append(try Self.entry(named: key, value, dataLength: dataLength))
            }
        }
        var expectedStart = 0
        for entry in entries.sorted(by: { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }) {
            guard entry.byteRange.lowerBound == expectedStart else {
                let problem = entry.byteRange.lowerBound < expectedStart ? "overlaps the previous tensor" : "leaves a gap"
                throw TensorError.safetensors("tensor \"\(entry.name)\": data_offsets \(entry.byteRange) \(problem) (expected start \(expectedStart))")
            }
            expectedStart = entry.byteRange.upperBound
        }
        guard expectedStart == dataLength else {
            throw TensorError.safetensors("tensors cover \(expectedStart) bytes but the data section has \(dataLength)")
        }
        self.metadata = metadata
        self.entries = entries.sorted { $0.name < $1.name }
        self.data = data
        dataStart = 8 + headerLength
    }

    private static func metadata(_ value: HeaderJSON) throws -> [String: String] {
        guard case let .object(members) = value else {
            throw TensorError.safetensors("__metadata__ is not an object")
        }
        var result: [String: String] = [:]
        for (key, item) in members {
            guard case let .string(text) = item else {
                throw TensorError.safetensors("__metadata__ value for \"\(key)\" is not a string")
            }
            result[key] = text
        }
        return result
    }

    private static func entry(named name: String, _ value: HeaderJSON, dataLength: Int) throws -> SafeTensorsEntry {
        guard case let .object(fields) = value else {
            throw TensorError.safetensors("tensor \"\(name)\": entry is not an object")
        }
        var dtypeName: String?, shapeValues: [HeaderJSON]?, offsetValues: [HeaderJSON]?
        for (field, item) in fields {
            switch (field, item) {
            case let ("dtype", .string(text)): dtypeName = text
            case let ("shape", .array(items)): shapeValues = items
            case let ("data_offsets", .array(items)): offsetValues = items
            default: throw TensorError.safetensors("tensor \"\(name)\": unexpected or ill-typed field \"\(field)\"")
            }
        }
        guard let dtypeName, let shapeValues, let offsetValues else {
            throw TensorError.safetensors("tensor \"\(name)\": needs dtype, shape and data_offsets")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw TensorError.safetensors("tensor \"\(name)\": unknown dtype \"\(dtypeName)\"")
        }
        var shape: [Int] = []
        var elements = 1
        for item in shapeValues {
            guard case let .integer(extent) = item, extent >= 0 else {
                throw TensorError.safetensors("tensor \"\(name)\": shape entries must be non-negative integers")
            }
            shape.append(extent)
            let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw TensorError.safetensors("tensor \"\(name)\": shape \(shape) overflows") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw TensorError.safetensors("tensor \"\(name)\": shape \(shape) overflows") }
        guard offsetValues.count == 2, case let .integer(begin) = offsetValues[0], case let .integer(end) = offsetValues[1],
              begin >= 0, begin <= end else {
            throw TensorError.safetensors("tensor \"\(name)\": data_offsets must be two integers 0 ≤ begin ≤ end")
        }
        guard end <= dataLength else {
            throw TensorError.safetensors("tensor \"\(name)\": data_offsets [\(begin), \(end)] run past the data section of \(dataLength) bytes")
        }
        guard end - begin == byteCount else {
            throw TensorError.safetensors("tensor \"\(name)\": data_offsets [\(begin), \(end)] hold \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(byteCount)")
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// Tensor names, sorted.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`, or `nil`.
    public func entry(named name: String) -> SafeTensorsEntry? {
        entries.first { $0.name == name }
    }

    /// The tensor called `name`, converted to Float32.
    /// - Throws: `TensorError.safetensors` for a missing name or a dtype other than F32, F16, BF16.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entry(named: name) else {
            throw TensorError.safetensors("no tensor named \"\(name)\"")
        }
        let count = entry.shape.elementCount
        let start = dataStart + entry.byteRange.lowerBound
        return try data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + entry.byteRange.count)])
            switch entry.dtype {
            case .f32:
                return Tensor(shape: entry.shape) { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case .f16:
                return Tensor(shape: entry.shape) { HalfPrecision.float(fromHalf: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
            case .bf16:
                return Tensor(shape: entry.shape) { HalfPrecision.float(fromBFloat: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
            default:
                throw TensorError.safetensors("tensor \"\(name)\": dtype \(entry.dtype.rawValue) cannot be read as Float32 (\(count) elements)")
            }
        }
    }

    /// The tensor called `name`, which must have shape `expected` (a checkpoint's weight for a
    /// layer of known size).
    /// - Throws: `TensorError.safetensors` naming the key, the expected and the actual shape, or as
    ///   `tensor(named:)`.
    public func tensor(named name: String, shape expected: [Int]) throws -> Tensor {
        guard let entry = entry(named: name) else {
            throw TensorError.safetensors("no tensor named \"\(name)\" (expected shape \(expected))")
        }
        guard entry.shape == expected else {
            throw TensorError.safetensors("tensor \"\(name)\": expected shape \(expected), file has \(entry.shape)")
        }
        return try tensor(named: name)
    }

    /// Every tensor, by name.
    /// - Throws: as `tensor(named:)`.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in names { result[name] = try tensor(named: name) }
        return result
    }
}

/// Writes safetensors files.
public enum SafeTensorsWriter {
    /// The element types this engine writes.
    public enum Precision: Sendable {
        case f32, f16
    }

    /// The bytes of a safetensors file holding `tensors` (sorted by name, data in that order) and
    /// `metadata` as `__metadata__`; the header is padded with spaces to a multiple of 8 bytes.
    /// - Throws: `TensorError.safetensors` for an empty or reserved tensor name.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:], precision: Precision = .f32) throws -> Data {
        let names = tensors.keys.sorted()
        guard !names.contains(where: { $0.isEmpty || $0 == "__metadata__" }) else {
            throw TensorError.safetensors("tensor names must be non-empty and not \"__metadata__\"")
        }
        let dtype: SafeTensorsDType = precision == .f32 ? .f32 : .f16
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let length = tensor.count * dtype.byteSize
            fields.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + length)]}")
            offset += length
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                switch precision {
                case .f32:
                    var bytes = [UInt8](repeating: 0, count: values.count * 4)
                    for (i, v) in values.enumerated() {
                        let bits = v.bitPattern
                        for j in 0..<4 { bytes[4 * i + j] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(j))) }
                    }
                    out.append(contentsOf: bytes)
                case .f16:
                    var bytes = [UInt8](repeating: 0, count: values.count * 2)
                    for (i, v) in values.enumerated() {
                        let bits = HalfPrecision.half(from: v)
                        bytes[2 * i] = UInt8(bits & 0xFF)
                        bytes[2 * i + 1] = UInt8(bits >> 8)
                    }
                    out.append(contentsOf: bytes)
                }
            }
        }
        return out
    }

    /// Writes `encode(tensors, metadata:, precision:)` to `url` atomically.
    /// - Throws: as `encode`, or file-system errors.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], precision: Precision = .f32, to url: URL) throws {
        try encode(tensors, metadata: metadata, precision: precision).write(to: url, options: .atomic)
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
