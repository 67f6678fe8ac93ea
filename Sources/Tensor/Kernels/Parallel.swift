import Dispatch
import Foundation

/// Engine-wide settings.
public enum Engine {
    private static let settings = LockedSetting(max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// How many threads kernels use: the number of chunks that parallel loops (vol2col, col2vol,
    /// elementwise maps, pooling) and large matrix products split their work into. Defaults to
    /// the machine's active processor count.
    public static var threadCount: Int { settings.value }

    /// Sets the thread count of the engine's kernels (values below 1 count as 1). Call it at
    /// start-up or between runs.
    public static func setThreadCount(_ count: Int) {
        settings.set(max(1, count))
    }

    /// Runs `body` with the kernels it calls on this thread using `count` threads (values below
    /// 1 count as 1), leaving the engine-wide setting — and every other thread — as they are.
    /// Nested calls take the innermost count. Kernels inside a parallel loop still use one.
    public static func withThreadCount<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        let outer = pthread_getspecific(threadCountOverrideKey)
        pthread_setspecific(threadCountOverrideKey, UnsafeRawPointer(bitPattern: max(1, count)))
        defer { pthread_setspecific(threadCountOverrideKey, outer) }
        return try body()
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

    /// Whether the processor can run the AVX-512 kernels (the direct convolution on small planes).
    public static var wideKernelsSupported: Bool { Kernels.wideKernelsSupported }

    /// Whether convolutions use the AVX-512 kernels where they apply: on by default where
    /// supported, unless the environment sets `SYNCDEFENSE_WIDE_KERNELS=0`. Setting it to `true`
    /// on a processor without AVX-512 keeps it off.
    public static var usesWideKernels: Bool {
        get { wideSetting.value }
        set { wideSetting.set(newValue && wideKernelsSupported) }
    }

    private static let wideSetting = LockedSetting(
        Kernels.wideKernelsSupported && ProcessInfo.processInfo.environment["SYNCDEFENSE_WIDE_KERNELS"] != "0")
}

/// An engine setting read and written from any thread.
private final class LockedSetting<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Value

    init(_ initial: Value) { current = initial }

    var value: Value {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    func set(_ newValue: Value) {
        lock.lock(); defer { lock.unlock() }
        current = newValue
    }
}

/// The loops behind the ops. Only files in `Kernels/` touch raw pointers in bulk or call CBLAS.
enum Kernels {
    /// Splits `0..<count` into at most `Engine.threadCount` contiguous ranges of at least
    /// `grain` items and runs `body` on each, in parallel when there is more than one.
    /// `body` must only write to memory owned by its range.
    static func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(availableThreads, max(1, count / max(grain, 1)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        concurrently(chunks) { chunk in
            body(count * chunk / chunks..<count * (chunk + 1) / chunks)
        }
    }

    /// Runs `body(0)`, …, `body(iterations − 1)` in parallel, the calling thread taking part.
    /// `body` must only write to memory owned by its iteration. Kernels called inside an
    /// iteration run on its thread alone (``availableThreads`` is 1 there): the loop already
    /// keeps every thread busy, and splitting again would only add hand-offs.
    /// At most ``availableThreads`` threads run the iterations, each taking the next one not yet
    /// taken; with one, they run in order on the calling thread.
    static func concurrently(_ iterations: Int, _ body: (Int) -> Void) {
        let threads = min(iterations, availableThreads)
        guard threads > 1 else {
            for iteration in 0..<max(0, iterations) { body(iteration) }
            return
        }
        let next = IterationCounter()
        withoutActuallyEscaping(body) { body in
            // The iterations write disjoint memory that the caller owns for the duration of the
            // call, which is what makes sharing the non-Sendable closure between threads sound.
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                let outer = pthread_getspecific(parallelRegionKey)
                pthread_setspecific(parallelRegionKey, parallelRegionMarker)
                while let iteration = next.take(below: iterations) { work(iteration) }
                pthread_setspecific(parallelRegionKey, outer)
            }
        }
    }

    /// Runs `body(range, partSum)` over `0..<items` dealt out in contiguous parts (one part with
    /// one thread, else two per thread, as iterations of ``concurrently``), each part adding into
    /// its own zeroed `count`-float sum; the parts' sums are then added into `sum` in part order,
    /// so the result depends on the thread count but never on timing. `sum` is overwritten;
    /// with `sum == nil` the parts get `nil` and nothing is summed.
    static func inParts(_ items: Int, summing count: Int, into sum: UnsafeMutablePointer<Float>?,
                        _ body: (Range<Int>, UnsafeMutablePointer<Float>?) -> Void) {
        let threads = availableThreads
        let parts = threads == 1 ? 1 : max(1, min(items, 2 * threads))
        withScratch(sum == nil || parts == 1 ? 1 : (parts - 1) * count) { others in
            concurrently(parts) { part in
                let partSum = sum.map { part == 0 ? $0 : others + (part - 1) * count }
                partSum?.update(repeating: 0, count: count)
                body((items * part / parts)..<(items * (part + 1) / parts), partSum)
            }
            guard let sum, parts > 1 else { return }
            parallelFor(count, grain: elementwiseGrain) { span in
                for part in 1..<parts {
                    let from = others + (part - 1) * count
                    for j in span { sum[j] += from[j] }
                }
            }
        }
    }

    /// Threads a kernel may use from the calling thread: 1 inside an iteration of ``concurrently``,
    /// else this thread's ``Engine/withThreadCount(_:_:)`` count if it set one, else
    /// `Engine.threadCount`.
    static var availableThreads: Int {
        if pthread_getspecific(parallelRegionKey) != nil { return 1 }
        if let override = pthread_getspecific(threadCountOverrideKey) { return Int(bitPattern: override) }
        return Engine.threadCount
    }

    /// Elements per chunk below which elementwise loops stay on one thread.
    static let elementwiseGrain = 1 << 15
}

/// The thread-specific key holding this thread's ``Engine/withThreadCount(_:_:)`` count (the
/// count itself as the pointer's bit pattern), or nil.
private let threadCountOverrideKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left for the engine's thread-count override")
    return key
}()

/// The thread-specific key whose value is set while a thread runs an iteration of
/// `Kernels.concurrently`.
private let parallelRegionKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left for the kernels' parallel regions")
    return key
}()

/// Any non-nil value marks a parallel region.
private nonisolated(unsafe) let parallelRegionMarker = UnsafeRawPointer(bitPattern: 1)

/// Hands out iteration numbers 0, 1, … to the threads of `Kernels.concurrently`.
private final class IterationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// The next number, or nil once `count` have been handed out.
    func take(below count: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}
