import CBLAS
import Foundation
import Testing
@testable import Tensor

/// The engine's matrix product: OpenBLAS single-threaded, large products split into blocks of
/// columns (or rows) on the engine's threads.
@Suite struct GemmTests {
    /// `C = alpha · op(A) · op(B) + beta · C` by the definition, in Float64.
    static func reference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                          b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Double] {
        var out = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                out[i * ldc + j] = Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j])
            }
        }
        return out
    }

    @Test(arguments: [(5, 173, 37), (150, 9, 21), (33, 33, 8)])
    func productsInBlocksMatchTheDefinition(m: Int, n: Int, k: Int) {
        // Wide (split by columns), tall (split by rows) and square; every transpose; row strides
        // wider than the matrices; C scaled and added to; blocks of 1, 2, 3 and more than there are units.
        var generator = SplitMix64(seed: UInt64(m * 1000 + n))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &generator) } }
        for transA in [false, true] {
            for transB in [false, true] {
                let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5
                let a = random((transA ? k : m) * lda), b = random((transB ? n : k) * ldb), c0 = random(m * ldc)
                let expected = Self.reference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda,
                                              b: b, ldb: ldb, beta: 0.5, c: c0, ldc: ldc)
                for blocks in [1, 2, 3, 64] {
                    var c = c0
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                Kernels.sgemmInBlocks(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75,
                                                      a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: 0.5,
                                                      c: pc.baseAddress!, ldc: ldc, blocks: blocks)
                            }
                        }
                    }
                    let worst = zip(c, expected).map { Swift.abs(Double($0) - $1) }.max()!
                    #expect(worst < 1e-5, "\(m)×\(n)×\(k) transA \(transA) transB \(transB) in \(blocks) blocks: max abs err \(worst)")
                }
            }
        }
    }

    @Test func openBLASRunsSingleThreaded() {
        let a = [Float](repeating: 1, count: 4)
        var c = [Float](repeating: 0, count: 4)
        a.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                Kernels.sgemm(m: 2, n: 2, k: 2, a: pa.baseAddress!, lda: 2, b: pa.baseAddress!, ldb: 2, c: pc.baseAddress!, ldc: 2)
            }
        }
        #expect(c == [2, 2, 2, 2])
        #expect(openblas_get_num_threads() == 1)
    }

    /// Speech synthesis forks per utterance while other threads may train: products split over
    /// the engine's threads beside a stream of forks all finish, and all are right.
    @Test("products on the engine's threads beside forks on another: every product right, nothing hangs")
    func productsSurviveForks() {
        let n = 256
        var generator = SplitMix64(seed: 7)
        let a = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(n * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var reference = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for p in 0..<n {
                let x = a[i * n + p]
                for j in 0..<n { reference[i * n + j] += x * b[p * n + j] }
            }
        }
        let forks = 300, products = 300
        let forking = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for _ in 0..<forks {
                let pid = fork()
                if pid == 0 { _exit(0) }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
            forking.signal()
        }
        var worst: Float = 0
        var c = [Float](repeating: 0, count: n * n)
        for _ in 0..<products {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        Kernels.sgemmInBlocks(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                                              b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n, blocks: 2)
                    }
                }
            }
            worst = max(worst, zip(c, reference).map { abs($0 - $1) }.max()!)
        }
        forking.wait()
        print("sgemm \(n)³ in 2 blocks × \(products) beside \(forks) forks: max abs err \(worst)")
        #expect(worst < 1e-3)
    }
}
