import CBLAS
import Foundation

/// Keeps OpenBLAS's thread pool out of the two situations it does not survive (OpenBLAS 0.3.21,
/// pthreads build):
///
/// - **Two multithreaded calls at once**, or a thread-count change while one runs: the process
///   deadlocked inside `sgemm_thread_nn`. Threaded level-3 calls are serialised inside OpenBLAS
///   anyway, so nothing is lost by holding one lock around them; single-threaded calls (one engine
///   thread per server worker or scan job) take no lock and still run side by side.
/// - **A `fork()` while a multithreaded call runs**: OpenBLAS's own fork handler stops the pool's
///   worker threads before every fork, so a call that has already handed them work waits for them
///   for ever (the caller spins in `sched_yield`). Speech synthesis forks for each utterance, so a
///   corpus or test run that synthesises while it trains hit this. A fork handler of ours, installed
///   after OpenBLAS's and so run before it, takes the same lock: the fork waits for the call to end,
///   and the pool restarts at the next threaded call.
enum OpenBLASGuard {
    /// Runs `body`, a multithreaded OpenBLAS call or a thread-count change, holding the lock that
    /// also holds off `fork()`.
    static func threadedCall<T>(_ body: () throws -> T) rethrows -> T {
        precondition(forkHandlersInstalled, "pthread_atfork failed")
        pthread_mutex_lock(threadedCallMutex)
        defer { pthread_mutex_unlock(threadedCallMutex) }
        return try body()
    }
}

/// A plain (non-recursive, unchecked) mutex: the fork handlers unlock it in the child, whose one
/// thread is a copy of the thread that locked it.
nonisolated(unsafe) private let threadedCallMutex: UnsafeMutablePointer<pthread_mutex_t> = {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    return mutex
}()

/// Fork handlers run their `prepare` halves in the reverse order of installation; OpenBLAS
/// installs its own when the library loads, so this `prepare` runs first and waits for a
/// threaded call in flight before OpenBLAS stops its threads.
private let forkHandlersInstalled: Bool = {
    _ = threadedCallMutex
    return pthread_atfork({ _ = pthread_mutex_lock(threadedCallMutex) },
                          { _ = pthread_mutex_unlock(threadedCallMutex) },
                          { _ = pthread_mutex_unlock(threadedCallMutex) }) == 0
}()
