/// A fixed (non-learned) 2-D filter kernel of odd size, applied per plane.
public struct FixedKernel: Sendable, Equatable {
    /// Kernel height (odd).
    public let rows: Int
    /// Kernel width (odd).
    public let columns: Int
    /// Row-major weights.
    public let weights: [Float]

    /// - Throws: `TensorError.invalidArgument` unless the sizes are odd and match the weights.
    public init(rows: Int, columns: Int, weights: [Float]) throws {
        guard rows > 0, columns > 0, rows % 2 == 1, columns % 2 == 1, weights.count == rows * columns else {
            throw TensorError.invalidArgument(op: "FixedKernel", message: "\(rows)×\(columns) kernel with \(weights.count) weights")
        }
        self.rows = rows
        self.columns = columns
        self.weights = weights
    }

    /// The 4-neighbour Laplacian `[[0, 1, 0], [1, −4, 1], [0, 1, 0]]`, the artifact branch's
    /// high-frequency filter.
    public static let laplacian = try! FixedKernel(rows: 3, columns: 3, weights: [0, 1, 0, 1, -4, 1, 0, 1, 0])
}

extension Tensor {
    /// Filters every `(H, W)` plane (each frame of each channel) with a fixed kernel, zero-padded
    /// to keep the size. `x: (…, H, W) → (…, H, W)`; gradients flow to `x` only.
    /// - Throws: `TensorError.invalidShape` for rank < 2.
    public func filteredPerPlane(with kernel: FixedKernel) throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidShape(op: "filteredPerPlane", shape: shape, expected: "(…, H, W)") }
        let h = shape[rank - 2], w = shape[rank - 1]
        let planes = count / Swift.max(1, h * w)
        @Sendable func apply(_ x: Tensor, flipped: Bool) -> Tensor {
            Tensor.make(x.shape) { out in
                x.withUnsafeBufferPointer {
                    Kernels.planeFilter($0.baseAddress!, out, planes: planes, h: h, w: w, kernel: kernel.weights,
                                        kh: kernel.rows, kw: kernel.columns, flipped: flipped)
                }
            }
        }
        return apply(self, flipped: false).recorded("filteredPerPlane", [self]) { g, _ in [apply(g, flipped: true)] }
    }
}
