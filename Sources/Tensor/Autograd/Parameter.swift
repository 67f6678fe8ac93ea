import Foundation

/// A learnable tensor: its value, its accumulated gradient and whether it is frozen.
///
/// `value` hands out the current tensor attached to the parameter's leaf node, so ops on it are
/// recorded and `backward()` adds into `grad`. A frozen parameter hands out a plain tensor: nothing
/// through it is recorded and it receives no gradient. A reference type shared by the model and
/// the optimiser; every access is serialised by a lock, so it is safe to share across tasks.
public final class Parameter: @unchecked Sendable {
    /// The checkpoint key, e.g. `visual.stem.conv.weight`.
    public let name: String
    private let lock = NSLock()
    private var stored: Tensor
    private var frozen: Bool
    private let accumulator = GradAccumulator()
    private let leaf: GradNode

    /// - Parameters:
    ///   - value: the initial value (its autograd history, if any, is dropped).
    ///   - name: the checkpoint key.
    ///   - isFrozen: whether it starts frozen.
    public init(_ value: Tensor, name: String = "", isFrozen: Bool = false) {
        self.name = name
        stored = value.detached()
        frozen = isFrozen
        leaf = GradNode(leaf: accumulator)
    }

    /// The current value; graph-attached unless the parameter is frozen. Setting it replaces the
    /// value (its history is dropped) and keeps the accumulated gradient.
    public var value: Tensor {
        get {
            lock.lock(); defer { lock.unlock() }
            return frozen ? stored : Tensor(shape: stored.shape, storage: stored.storage, node: leaf)
        }
        set {
            lock.lock(); defer { lock.unlock() }
            stored = newValue.detached()
        }
    }

    /// The shape of the value.
    public var shape: [Int] {
        lock.lock(); defer { lock.unlock() }
        return stored.shape
    }

    /// The sum of the gradients from every backward pass since the last `zeroGrad()`, or `nil`.
    public var grad: Tensor? {
        get { accumulator.grad }
        set { accumulator.set(newValue) }
    }

    /// Whether the parameter is excluded from recording, gradients and optimiser updates.
    public var isFrozen: Bool {
        get { lock.lock(); defer { lock.unlock() }; return frozen }
        set { lock.lock(); defer { lock.unlock() }; frozen = newValue }
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() {
        accumulator.set(nil)
    }

    /// Lets `body` update the value in place (the optimiser's step); the storage is copied first
    /// only if a live tensor still shares it.
    func update(_ body: (inout Tensor) -> Void) {
        lock.lock(); defer { lock.unlock() }
        body(&stored)
    }
}
