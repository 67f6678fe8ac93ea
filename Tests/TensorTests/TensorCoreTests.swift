import Foundation
import Testing
@testable import Tensor

@Suite struct TensorCoreTests {
    @Test func initialisersAndAccessors() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.rank == 2)
        #expect(t.count == 6)
        #expect(t[1, 2] == 6)
        #expect(try t.dims2() == (2, 3))
        #expect(throws: TensorError.self) { try t.dims3() }
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(try Tensor(scalar: 4).item() == 4)
        #expect(throws: TensorError.self) { try t.item() }
        #expect(Tensor(zeros: [0, 3]).count == 0)
    }

    @Test func copyOnWriteKeepsValuesIndependent() throws {
        let a = try Tensor(shape: [3], scalars: [1, 2, 3])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 10 }
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [10, 2, 3])
        // A uniquely held tensor is written in place.
        var c = Tensor(zeros: [4])
        let before = c.withUnsafeBufferPointer { $0.baseAddress! }
        c.withUnsafeMutableBufferPointer { $0[1] = 1 }
        #expect(c.withUnsafeBufferPointer { $0.baseAddress! } == before)
    }

    @Test func shapeErrorsNameTheOpAndBothShapes() throws {
        let a = Tensor(zeros: [2, 3]), b = Tensor(zeros: [4, 3])
        do {
            _ = try a + b
            Issue.record("broadcast of mismatched shapes did not throw")
        } catch let error as TensorError {
            #expect(error == .shapeMismatch(op: "add", lhs: [2, 3], rhs: [4, 3]))
            #expect(error.description.contains("add") && error.description.contains("[2, 3]") && error.description.contains("[4, 3]"))
        }
        #expect(throws: TensorError.shapeMismatch(op: "matmul", lhs: [2, 3], rhs: [4, 3])) { try matmul(a, b) }
        #expect(throws: TensorError.self) { try a.reshaped(to: [5]) }
        #expect(throws: TensorError.self) { try a.permuted([0, 0]) }
        #expect(throws: TensorError.self) { try a.sliced(axis: 1, 2..<4) }
        #expect(throws: TensorError.self) { try a.sum(axes: [2]) }
    }

    @Test func randomStreamsAreReproducibleAndPortable() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        // Reference values of SplitMix64 (seed 0) from its published implementation.
        var mix = SplitMix64(seed: 0)
        #expect(mix.next() == 0xE220_A839_7B1D_CDAF)
        #expect(mix.next() == 0x6E78_9E6A_A1B9_65F4)
        // Normals have mean 0 and variance 1.
        var g = Xoshiro256(seed: 7)
        let samples = (0..<20000).map { _ in Double(g.nextNormal()) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(Swift.abs(mean) < 0.03 && Swift.abs(variance - 1) < 0.05)
        for x in [1e-300, 0.001, 0.5, 1, 1.4142, 2, 10, 12345.678] {
            #expect(Swift.abs(PortableMath.log(x) - Foundation.log(x)) < 1e-13 * Swift.max(1, Swift.abs(Foundation.log(x))))
        }
        for i in 0...20 {
            let x = Double.pi * Double(i) / 20
            #expect(Swift.abs(PortableMath.cos(x) - Foundation.cos(x)) < 1e-14)
        }
    }

    @Test func threadCountCanBeSetForOneThreadsWork() throws {
        // Tests run in parallel: the engine-wide setting is left alone (a split product's last
        // bits depend on it, and another suite may be training with it).
        let global = Engine.threadCount
        let x = randomTensor([64, 4096], seed: 3)
        let one = Engine.withThreadCount(1) { Kernels.availableThreads == 1 ? x.gelu().scalars : [] }
        let two = Engine.withThreadCount(2) {
            (Kernels.availableThreads, Engine.withThreadCount(3) { Kernels.availableThreads }, Kernels.availableThreads)
        }
        #expect(two == (2, 3, 2))
        #expect(Engine.withThreadCount(0) { Kernels.availableThreads } == 1)
        #expect(Engine.withThreadCount(2) { x.gelu().scalars } == one)
        #expect(!one.isEmpty)
        #expect(Kernels.availableThreads == global && Engine.threadCount == global)
        // Another thread keeps the engine-wide count while this one overrides it.
        let elsewhere = Engine.withThreadCount(global + 1) { () -> Int in
            let seen = ThreadResult(), done = DispatchSemaphore(value: 0)
            Thread { seen.value = Kernels.availableThreads; done.signal() }.start()
            done.wait()
            return seen.value
        }
        #expect(elsewhere == global)
    }

    @Test func bufferCacheReusesLargeBuffersWithinItsLimit() {
        for count in [1, 1000, 65535, 65536, 65537, 100_000, 1 << 20, 3_000_001] {
            let capacity = BufferCache.capacity(for: count)
            #expect(capacity >= count)
            #expect(count < BufferCache.minimumCount || Double(capacity) <= 1.25 * Double(count) + 1)
        }
        let cache = BufferCache()
        cache.limitBytes = 1 << 20  // room for one 1 MiB buffer
        let a = cache.allocate(200_000)
        a.initialize(repeating: 1, count: 200_000)
        cache.deallocate(a, count: 200_000)
        #expect(cache.cachedBytes == BufferCache.capacity(for: 200_000) * 4)
        let b = cache.allocate(199_999)  // same size class
        #expect(b == a)
        #expect(cache.cachedBytes == 0)
        let c = cache.allocate(200_000)
        cache.deallocate(b, count: 199_999)
        cache.deallocate(c, count: 200_000)  // over the limit: freed, not kept
        #expect(cache.cachedBytes == BufferCache.capacity(for: 200_000) * 4)
        cache.limitBytes = 0
        #expect(cache.cachedBytes == 0)
        let small = cache.allocate(10)
        cache.deallocate(small, count: 10)
        #expect(cache.cachedBytes == 0)
        cache.purge()
    }
}

/// A value written by one thread and read by another after a semaphore orders the two.
private final class ThreadResult: @unchecked Sendable {
    var value = 0
}
