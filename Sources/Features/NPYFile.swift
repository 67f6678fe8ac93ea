import Foundation

/// Reads and writes NumPy `.npy` files.
///
/// Writing: format 1.0 (2.0 only if the header would exceed 65 535 bytes), dtype `<f4`, C order,
/// header padded with spaces and a newline so the data starts on a 64-byte boundary, as NumPy does.
/// Reading: format 1.0 or 2.0, dtype `<f4` or `<f8` (float64 is rounded to Float), C order,
/// any shape; anything else is rejected with an ``NPYError``.
public enum NPYFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    private static let alignment = 64

    /// Reads a `.npy` file.
    /// - Parameter url: file location.
    /// - Returns: the array, shape as stored.
    /// - Throws: the file system's error when the file cannot be read, or an ``NPYError``.
    public static func read(from url: URL) throws -> NPYArray {
        try decode(Data(contentsOf: url))
    }

    /// Writes an array as a `.npy` file (`<f4`, C order), replacing any file there.
    /// - Parameters:
    ///   - array: the array.
    ///   - url: destination.
    /// - Throws: the file system's error when the file cannot be written.
    public static func write(_ array: NPYArray, to url: URL) throws {
        try encode(array).write(to: url, options: .atomic)
    }

    /// The bytes of a `.npy` file holding `array` as `<f4`, C order.
    /// - Parameter array: the array.
    /// - Returns: preamble, padded header, little-endian float32 data.
    public static func encode(_ array: NPYArray) -> Data {
        let dictionary = NPYHeader(descr: "<f4", fortranOrder: false, shape: array.shape).text
        // Preamble: magic (6) + version (2) + header length (2 in v1.0, 4 in v2.0).
        var version: UInt8 = 1
        var preamble = 10
        var padded = paddedHeader(dictionary, preamble: preamble)
        if padded.count > Int(UInt16.max) {
            version = 2
            preamble = 12
            padded = paddedHeader(dictionary, preamble: preamble)
        }
        var data = Data(capacity: preamble + padded.count + 4 * array.values.count)
        data.append(contentsOf: magic)
        data.append(contentsOf: [version, 0])
        if version == 1 {
            data.append(contentsOf: withUnsafeBytes(of: UInt16(padded.count).littleEndian, Array.init))
        } else {
            data.append(contentsOf: withUnsafeBytes(of: UInt32(padded.count).littleEndian, Array.init))
        }
        data.append(contentsOf: padded)
        array.values.withUnsafeBufferPointer { values in
            var bytes = [UInt8](repeating: 0, count: 4 * values.count)
            bytes.withUnsafeMutableBytes { raw in
                for (i, value) in values.enumerated() {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            }
            data.append(contentsOf: bytes)
        }
        return data
    }

    /// Parses the bytes of a `.npy` file.
    /// - Parameter data: the whole file.
    /// - Returns: the array (float64 data rounded to Float).
    /// - Throws: ``NPYError`` for a bad magic, version, header, dtype, order or data length.
    public static func decode(_ data: Data) throws -> NPYArray {
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw NPYError.badMagic }
        guard bytes.count >= 8 else { throw NPYError.truncated("preamble") }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0): lengthBytes = 4
        default: throw NPYError.unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count >= 8 + lengthBytes else { throw NPYError.truncated("preamble") }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart + headerLength else { throw NPYError.truncated("header") }
        guard let text = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii) else {
            throw NPYError.malformedHeader("header is not ASCII")
        }
        let header = try NPYHeader(parsing: text)

        let itemSize: Int
        switch header.descr {
        case "<f4": itemSize = 4
        case "<f8": itemSize = 8
        default: throw NPYError.unsupportedDType(header.descr)
        }
        guard !header.fortranOrder else { throw NPYError.fortranOrder }
        guard let count = NPYArray.elementCount(of: header.shape),
              case let (expected, false) = count.multipliedReportingOverflow(by: itemSize)
        else { throw NPYError.malformedHeader("shape \(header.shape) is too large") }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == expected else {
            throw NPYError.dataLengthMismatch(expectedBytes: expected, actualBytes: bytes.count - dataStart)
        }

        let values = bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Float in
                let offset = dataStart + i * itemSize
                return itemSize == 4
                    ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    : Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
        return try NPYArray(shape: header.shape, values: values)
    }

    /// The header dictionary padded with spaces and ended with a newline so that the preamble
    /// plus header is a multiple of 64 bytes.
    private static func paddedHeader(_ dictionary: String, preamble: Int) -> [UInt8] {
        var header = Array(dictionary.utf8)
        let unpadded = preamble + header.count + 1
        let padding = (alignment - unpadded % alignment) % alignment
        header += [UInt8](repeating: 0x20, count: padding)
        header.append(0x0A)
        return header
    }
}
