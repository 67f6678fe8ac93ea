/// Errors thrown by tensor ops, the autograd engine and the safetensors codec.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two operands' shapes do not fit together for `op`.
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// One operand has the wrong rank or shape for `op`; `expected` says what was wanted.
    case invalidShape(op: String, shape: [Int], expected: String)
    /// An argument other than a shape (an axis, a stride, a probability) is out of range.
    case invalidArgument(op: String, message: String)
    /// `backward()` was called on a tensor that is not part of a recorded graph.
    case notDifferentiable(String)
    /// A safetensors file or header that cannot be trusted or read.
    case safetensors(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            return "\(op): shapes \(lhs) and \(rhs) do not match"
        case let .invalidShape(op, shape, expected):
            return "\(op): shape \(shape) is invalid, expected \(expected)"
        case let .invalidArgument(op, message):
            return "\(op): \(message)"
        case let .notDifferentiable(message):
            return "backward: \(message)"
        case let .safetensors(message):
            return "safetensors: \(message)"
        }
    }
}
