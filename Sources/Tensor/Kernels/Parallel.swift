import Dispatch
import Foundation

/// Engine-wide settings.
public enum Engine {
    private static let settings = ThreadSetting()

    /// How many threads kernels use: the number of chunks that parallel loops (vol2col, col2vol,
    /// elementwise maps, pooling) and large matrix products split their work into. Defaults to
    /// the machine's active processor count.
    public static var threadCount: Int { settings.value }

    /// Sets the thread count of the engine's kernels (values below 1 count as 1). Call it at
    /// start-up or between runs.
    public static func setThreadCount(_ count: Int) {
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
        concurrently(chunks) { chunk in
            body(count * chunk / chunks..<count * (chunk + 1) / chunks)
        }
    }

    /// Runs `body(0)`, …, `body(iterations − 1)` in parallel, the calling thread taking part.
    /// `body` must only write to memory owned by its iteration.
    static func concurrently(_ iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            // The iterations write disjoint memory that the caller owns for the duration of the
            // call, which is what makes sharing the non-Sendable closure between threads sound.
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: iterations) { work($0) }
        }
    }

    /// Elements per chunk below which elementwise loops stay on one thread.
    static let elementwiseGrain = 1 << 15
}
