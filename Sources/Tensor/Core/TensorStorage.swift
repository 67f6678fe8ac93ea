/// The owning buffer behind a `Tensor`: 64-byte aligned Float32 memory, returned in `deinit`.
///
/// Storage is shared between tensors until one of them writes; `Tensor` copies it first unless
/// it holds the only reference (copy-on-write). It is `@unchecked Sendable` because that rule
/// means no buffer is ever written while a second owner can read it.
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    /// Allocates `count` uninitialised floats (large ones through `BufferCache`); callers fill
    /// every element before reading.
    init(uninitializedCount count: Int) {
        self.count = count
        base = BufferCache.shared.allocate(count)
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    /// A new storage holding a copy of this one's elements.
    func copy() -> TensorStorage {
        let other = TensorStorage(uninitializedCount: count)
        other.base.update(from: base, count: count)
        return other
    }

    deinit {
        BufferCache.shared.deallocate(base, count: count)
    }
}
