import Foundation

/// Keeps freed large float buffers for reuse.
///
/// Fresh allocations of a few megabytes come from `mmap` and page-fault on first touch; a window's
/// forward pass allocates dozens of them (activations, column matrices, Winograd transforms), and
/// those faults cost as much as the arithmetic. Buffers of at least `minimumCount` floats are
/// rounded up to a size class (four per octave, so at most 25% slack) and, when freed, kept in
/// a per-class free list until `limitBytes` are held; beyond that they go back to the system.
/// Small buffers bypass the cache (malloc reuses them well).
final class BufferCache: @unchecked Sendable {
    static let shared = BufferCache()
    /// 64 Ki floats (256 KiB).
    static let minimumCount = 1 << 16

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var heldBytes = 0
    private var limit = 256 << 20

    /// The most bytes kept for reuse.
    var limitBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return limit }
        set {
            lock.lock()
            limit = max(0, newValue)
            let evicted = trimLocked()
            lock.unlock()
            evicted.forEach { Self.deallocate($0) }
        }
    }

    /// Bytes currently held for reuse.
    var cachedBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return heldBytes
    }

    /// The capacity actually allocated for a request of `count` floats.
    static func capacity(for count: Int) -> Int {
        guard count >= minimumCount else { return max(count, 1) }
        let octave = Int.bitWidth - 1 - count.leadingZeroBitCount  // 2^octave ≤ count
        let step = 1 << (octave - 2)
        return (count + step - 1) / step * step
    }

    /// A 64-byte aligned buffer of `capacity(for: count)` floats, uninitialised.
    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let capacity = Self.capacity(for: count)
        if count >= Self.minimumCount {
            lock.lock()
            if let p = free[capacity]?.popLast() {
                heldBytes -= capacity * MemoryLayout<Float>.stride
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    /// Returns a buffer obtained from `allocate(count)`.
    func deallocate(_ p: UnsafeMutablePointer<Float>, count: Int) {
        let capacity = Self.capacity(for: count)
        guard count >= Self.minimumCount else { return Self.deallocate(p) }
        let bytes = capacity * MemoryLayout<Float>.stride
        lock.lock()
        if heldBytes + bytes <= limit {
            free[capacity, default: []].append(p)
            heldBytes += bytes
            lock.unlock()
        } else {
            lock.unlock()
            Self.deallocate(p)
        }
    }

    /// Frees every cached buffer.
    func purge() {
        lock.lock()
        let all = free.values.flatMap { $0 }
        free = [:]
        heldBytes = 0
        lock.unlock()
        all.forEach { Self.deallocate($0) }
    }

    private func trimLocked() -> [UnsafeMutablePointer<Float>] {
        var evicted: [UnsafeMutablePointer<Float>] = []
        for capacity in free.keys.sorted(by: >) where heldBytes > limit {
            while heldBytes > limit, let p = free[capacity]?.popLast() {
                heldBytes -= capacity * MemoryLayout<Float>.stride
                evicted.append(p)
            }
        }
        return evicted
    }

    private static func deallocate(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).deallocate()
    }
}

/// A scratch buffer from the cache for the duration of `body` (kernels' column matrices and
/// transforms). The pointer must not escape `body`.
func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    let p = BufferCache.shared.allocate(count)
    defer { BufferCache.shared.deallocate(p, count: count) }
    return try body(p)
}

/// Three scratch buffers from the cache for the duration of `body`.
func withScratch<R>(_ a: Int, _ b: Int, _ c: Int,
                    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try withScratch(a) { pa in try withScratch(b) { pb in try withScratch(c) { pc in try body(pa, pb, pc) } } }
}

/// Two scratch buffers from the cache for the duration of `body`.
func withScratch<R>(_ a: Int, _ b: Int,
                    _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try withScratch(a) { pa in try withScratch(b) { pb in try body(pa, pb) } }
}
