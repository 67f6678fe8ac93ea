import CBLAS
import Dispatch
import Foundation

/// Engine-wide settings.
public enum Engine {
    private static let settings = ThreadSetting()

    /// How many threads kernels use: OpenBLAS's thread count and the number of chunks that
    /// parallel loops (vol2col, col2vol, elementwise maps, pooling) split their work into.
    /// Defaults to the machine's active processor count.
    public static var threadCount: Int { settings.value }

    /// Sets the thread count for kernels and for OpenBLAS (values below 1 count as 1). Call it at
    /// start-up or between runs: OpenBLAS does not allow changing its thread count while another
    /// thread is inside a BLAS call.
    public static func setThreadCount(_ count: Int) {
        setKernelThreadCount(count)
        OpenBLASGuard.threadedCall { openblas_set_num_threads(Int32(max(1, count))) }
    }

    /// Sets only the engine's own parallel loops' thread count (tests use it while other tests
    /// run sgemm, which `setThreadCount` must not interrupt).
    static func setKernelThreadCount(_ count: Int) {
        settings.set(max(1, count))
    }

    /// The most bytes of freed large buffers kept for reuse (default 256 MiB; 0 turns the cache
    /// off). Reusing buffers avoids the page faults of fresh allocations, which otherwise cost as
    /// much as a convolution's arithmetic. Lowering it frees the excess at once.
    public static var bufferCacheLimit: Int {
        get { BufferCache.shared.limitBytes }
        set { BufferCache.shared.limitBytes = newValue }
    }

    /// Bytes currently held by the buffer cache (freed buffers, not live tensors).
    public static var cachedBufferBytes: Int { BufferCache.shared.cachedBytes }

    /// Returns every cached buffer to the system.
    public static func releaseCachedBuffers() {
        BufferCache.shared.purge()
    }
}

private final class ThreadSetting: @unchecked Sendable {
    private let lock = NSLock()
    private var count = max(1, ProcessInfo.processInfo.activeProcessorCount)

    var value: Int {
        lock.lock(); defer { lock.unlock() }
        return count
    }

    func set(_ newValue: Int) {
        lock.lock(); defer { lock.unlock() }
        count = newValue
    }
}

/// The loops behind the ops. Only files in `Kernels/` touch raw pointers in bulk or call CBLAS.
enum Kernels {
    /// Splits `0..<count` into at most `Engine.threadCount` contiguous ranges of at least
    /// `grain` items and runs `body` on each, in parallel when there is more than one.
    /// `body` must only write to memory owned by its range.
    static func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(Engine.threadCount, max(1, count / max(grain, 1)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            // The chunks write disjoint memory that the caller owns for the duration of the call,
            // which is what makes sharing the non-Sendable closure between threads sound.
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                work(lower..<upper)
            }
        }
    }

    /// Elements per chunk below which elementwise loops stay on one thread.
    static let elementwiseGrain = 1 << 15
}
