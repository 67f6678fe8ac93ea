import CBLAS
import Foundation
import Testing
@testable import Tensor

/// OpenBLAS stops its thread pool before every `fork()`; a multithreaded call in flight then
/// waits for ever. Speech synthesis forks per utterance while other threads may train.
@Suite struct OpenBLASForkTests {
    @Test("a fork waits while a multithreaded OpenBLAS call holds the pool")
    func forkWaitsForThreadedCall() {
        let probe = ForkProbe()
        let done = DispatchSemaphore(value: 0)
        OpenBLASGuard.threadedCall {
            Thread.detachNewThread {
                let pid = fork()
                if pid == 0 { _exit(0) }
                probe.forkReturned()
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                done.signal()
            }
            // Without the guard the fork returns at once, long before this ends.
            Thread.sleep(forTimeInterval: 0.3)
            probe.release()
        }
        done.wait()
        #expect(probe.releasedBeforeFork == true, "fork() returned while a threaded OpenBLAS call was in flight")
    }

    @Test("threaded sgemm on one thread and forks on another: every product right, nothing hangs")
    func threadedSgemmSurvivesForks() {
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
                        Kernels.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                      c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            worst = max(worst, zip(c, reference).map { abs($0 - $1) }.max()!)
        }
        forking.wait()
        print("sgemm \(n)³ × \(products) beside \(forks) forks on \(openblas_get_num_threads()) OpenBLAS threads: max abs err \(worst)")
        #expect(worst < 1e-3)
    }
}

private final class ForkProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var released = false
    private(set) var releasedBeforeFork: Bool?

    func release() { lock.withLock { released = true } }
    func forkReturned() { lock.withLock { releasedBeforeFork = released } }
}
