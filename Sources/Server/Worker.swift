import Dispatch
import Forensics
import Foundation
import CGlibcExtras

/// One analysis worker: an ``Analyzer`` and the one thread that runs its jobs, for the life of the
/// server.
///
/// The pool hands a worker to one request at a time, so a worker holds at most one job. Running
/// every job of a worker on the same thread (rather than a new thread per job) keeps the C
/// allocator's per-thread arenas and the tensor engine's buffer reuse on a fixed set of threads:
/// the server's resident memory then levels off instead of creeping up with each new thread.
final class Worker: @unchecked Sendable {
    let analyzer: Analyzer
    private let lock = NSLock()
    private let jobArrived = DispatchSemaphore(value: 0)
    private var job: (@Sendable () -> Void)?
    private var stopping = false

    init(analyzer: Analyzer, name: String) {
        self.analyzer = analyzer
        // Named from inside, through the C call: on Linux a new thread starts with its creator's
        // name, and Foundation's `Thread.name` setter can drop the name when the new thread runs
        // before `start()` returns (a name takes at most 15 bytes).
        Thread { [self] in
            _ = syncdefense_name_current_thread(name)
            loop()
        }.start()
    }

    /// Queues `job` on the worker's thread.
    /// - Precondition: the worker holds no job (the pool hands it to one request at a time).
    func submit(_ job: @escaping @Sendable () -> Void) {
        lock.withLock {
            precondition(self.job == nil, "a worker runs one job at a time")
            self.job = job
        }
        jobArrived.signal()
    }

    /// Ends the thread once its current job (if any) is done.
    func stop() {
        lock.withLock { stopping = true }
        jobArrived.signal()
    }

    private func loop() {
        while true {
            jobArrived.wait()
            let next: (@Sendable () -> Void)? = lock.withLock {
                defer { job = nil }
                return job
            }
            if let next {
                next()
                // An analysis of a long clip frees hundreds of MiB; give the free pages back so
                // the server's resident memory follows what it holds, not its largest request.
                _ = syncdefense_release_free_memory()
                continue
            }
            if lock.withLock({ stopping }) { return }
        }
    }
}
