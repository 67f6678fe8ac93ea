/// Why bytes are not a NumPy `.npy` file this module reads, or an array cannot be written.
public enum NPYError: Error, Equatable, CustomStringConvertible {
    /// The file does not start with `\x93NUMPY`.
    case badMagic
    /// A format version other than 1.0 or 2.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The file ends before its preamble or header does.
    case truncated(String)
    /// The header is not a readable `{'descr': …, 'fortran_order': …, 'shape': (…)}` dictionary.
    case malformedHeader(String)
    /// A dtype other than little-endian float32 `<f4` (or, for reading, float64 `<f8`).
    case unsupportedDType(String)
    /// The array is stored in Fortran (column-major) order; only C order is supported.
    case fortranOrder
    /// The data after the header is not `product(shape) · itemsize` bytes.
    case dataLengthMismatch(expectedBytes: Int, actualBytes: Int)
    /// Values and shape disagree: `values.count` must equal the product of `shape`.
    case shapeMismatch(shape: [Int], valueCount: Int)

    public var description: String {
        switch self {
        case .badMagic:
            "npy: not a NumPy file (missing \\x93NUMPY magic)"
        case let .unsupportedVersion(major, minor):
            "npy: format version \(major).\(minor) is not supported (1.0 and 2.0 are)"
        case let .truncated(what):
            "npy: file ends inside the \(what)"
        case let .malformedHeader(why):
            "npy: malformed header: \(why)"
        case let .unsupportedDType(descr):
            "npy: dtype '\(descr)' is not supported (little-endian '<f4' or '<f8')"
        case .fortranOrder:
            "npy: Fortran-ordered arrays are not supported (C order only)"
        case let .dataLengthMismatch(expected, actual):
            "npy: data is \(actual) bytes but the shape and dtype need \(expected)"
        case let .shapeMismatch(shape, count):
            "npy: \(count) values do not fill shape \(shape)"
        }
    }
}
