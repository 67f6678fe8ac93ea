/// A dense Float32 tensor in PyTorch's (row-major, last axis fastest) memory order.
///
/// `Tensor` is a value: copies share storage until one of them writes (copy-on-write), so passing
/// tensors around is cheap and safe across tasks. Every tensor is contiguous; ops that rearrange
/// elements (`permuted`, `sliced`, `concat`) produce new storage, while `reshaped` shares it.
///
/// A tensor produced by an op while gradient recording is on (see `GradMode`) and from at least one
/// input that requires gradients carries a node of the autograd graph; `backward()` walks it.
public struct Tensor: Sendable {
    /// The extent of each axis, outermost first: an image batch is `(N, C, H, W)`.
    public let shape: [Int]
    var storage: TensorStorage
    var node: GradNode?

    init(shape: [Int], storage: TensorStorage, node: GradNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of the given shape with every element zero.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: shape.elementCount))
    }

    /// A rank-0 tensor holding one value.
    public init(scalar value: Float) {
        self.init(repeating: value, shape: [])
    }

    /// A tensor holding `scalars` in row-major order.
    /// - Throws: `TensorError.invalidShape` when `scalars.count` is not the product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.elementCount == scalars.count else {
            throw TensorError.invalidShape(op: "Tensor.init", shape: shape,
                                           expected: "\(scalars.count) elements")
        }
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { storage.base.initialize(from: $0.baseAddress!, count: scalars.count) }
        self.init(shape: shape, storage: storage)
    }

    /// A tensor whose element at flat (row-major) index `i` is `element(i)`.
    public init(shape: [Int], element: (Int) -> Float) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        for i in 0..<storage.count { storage.base[i] = element(i) }
        self.init(shape: shape, storage: storage)
    }

    /// Allocates an uninitialised tensor and lets `fill` write every element.
    static func make(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>) throws -> Void) rethrows -> Tensor {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        try fill(storage.base)
        return Tensor(shape: shape, storage: storage)
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of elements (the product of `shape`).
    public var count: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// The single element of a one-element tensor.
    /// - Throws: `TensorError.invalidShape` when the tensor does not hold exactly one element.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.invalidShape(op: "item", shape: shape, expected: "one element")
        }
        return storage.base[0]
    }

    /// The element at a multi-index, one index per axis (checked with a precondition).
    public subscript(_ index: Int...) -> Float {
        storage.base[flatIndex(index)]
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor subscript: \(index) for shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "Tensor subscript: \(index) out of range for shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// Calls `body` with the elements in row-major order; the pointer must not escape `body`.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with writable elements, copying the storage first if another tensor shares it.
    /// Writing detaches the tensor from the autograd graph. The pointer must not escape `body`.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        node = nil
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    /// Whether gradients flow back through this tensor (it is a leaf that requires them or the
    /// recorded output of an op).
    public var requiresGrad: Bool { node != nil }

    /// The same values as a new leaf of the autograd graph; `backward()` reports its gradient.
    public func requiringGrad() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GradNode(leaf: nil))
    }

    /// The same values without any autograd history.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", …" : "")]"
    }
}

// MARK: - Destructuring shapes

extension Tensor {
    private func dims(_ n: Int, _ op: String) throws -> [Int] {
        guard shape.count == n else {
            throw TensorError.invalidShape(op: op, shape: shape, expected: "rank \(n)")
        }
        return shape
    }

    /// The single extent of a rank-1 tensor. - Throws: `TensorError.invalidShape` otherwise.
    public func dims1() throws -> Int { try dims(1, "dims1")[0] }

    /// `(A, B)` of a rank-2 tensor. - Throws: `TensorError.invalidShape` otherwise.
    public func dims2() throws -> (Int, Int) {
        let d = try dims(2, "dims2"); return (d[0], d[1])
    }

    /// `(A, B, C)` of a rank-3 tensor. - Throws: `TensorError.invalidShape` otherwise.
    public func dims3() throws -> (Int, Int, Int) {
        let d = try dims(3, "dims3"); return (d[0], d[1], d[2])
    }

    /// `(A, B, C, D)` of a rank-4 tensor. - Throws: `TensorError.invalidShape` otherwise.
    public func dims4() throws -> (Int, Int, Int, Int) {
        let d = try dims(4, "dims4"); return (d[0], d[1], d[2], d[3])
    }

    /// `(A, B, C, D, E)` of a rank-5 tensor. - Throws: `TensorError.invalidShape` otherwise.
    public func dims5() throws -> (Int, Int, Int, Int, Int) {
        let d = try dims(5, "dims5"); return (d[0], d[1], d[2], d[3], d[4])
    }
}

extension Array where Element == Int {
    /// The product of the extents: the element count of a tensor of this shape.
    var elementCount: Int { reduce(1, *) }
}
