import Dispatch
import Forensics
import Foundation

/// The analysis workers: one ``Analyzer`` each (a model's forward pass is never shared between
/// threads), a bounded admission count and a queue of requests waiting for a free worker.
///
/// A request is first *admitted* (before its upload is read: a full server refuses at once with
/// 503 and `Retry-After`), then waits for a worker until its deadline, then runs on that worker's
/// own long-lived thread — never on the event loops or Swift's cooperative pool. A thread per worker
/// (not per job) keeps the allocator's per-thread arenas, and so the server's memory, bounded.
final class WorkerPool: @unchecked Sendable {
    enum Readiness: Equatable {
        case loading
        case ready
        case failed(String)
    }

    /// Facts for `/readyz` and the logs.
    struct Snapshot: Sendable, Encodable {
        var workers: Int
        var busy: Int
        var waiting: Int
        var admitted: Int
        var capacity: Int
        var analysesStarted: Int
        var analysesFinished: Int
        var meanAnalysisSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case workers, busy, waiting, admitted, capacity, analysesStarted = "analyses_started"
            case analysesFinished = "analyses_finished", meanAnalysisSeconds = "mean_analysis_s"
        }
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Worker, any Error>
    }

    let workerCount: Int
    /// Requests admitted at once: the workers plus the queue.
    let capacity: Int
    private let lock = NSLock()
    private var readiness = Readiness.loading
    private var idle: [Worker] = []
    private var workers: [Worker] = []
    private var waiters: [Waiter] = []
    private var admittedCount = 0
    private var nextWaiterID: UInt64 = 0
    private var started = 0
    private var finished = 0
    private var totalSeconds = 0.0
    /// The first analyzer loaded (its weights hash, preset and threshold describe every worker).
    var prototype: Analyzer? { lock.withLock { storedPrototype } }
    private var storedPrototype: Analyzer?

    init(workers: Int, queueDepth: Int) {
        workerCount = workers
        capacity = workers + queueDepth
    }

    var state: Readiness { lock.withLock { readiness } }

    var snapshot: Snapshot {
        lock.withLock {
            Snapshot(workers: workerCount, busy: readiness == .ready ? workerCount - idle.count : 0, waiting: waiters.count,
                     admitted: admittedCount, capacity: capacity, analysesStarted: started, analysesFinished: finished,
                     meanAnalysisSeconds: finished > 0 ? totalSeconds / Double(finished) : nil)
        }
    }

    deinit {
        for worker in workers { worker.stop() }
    }

    /// Builds the workers' analyzers on a thread of its own; readiness follows.
    func load(_ make: @escaping @Sendable () throws -> Analyzer) async {
        let result: Result<[Analyzer], any Error> = await withCheckedContinuation { continuation in
            Thread.detachNewThread { [workerCount] in
                continuation.resume(returning: Result(catching: { try (0..<workerCount).map { _ in try make() } }))
            }
        }
        switch result {
        case .success(let analyzers):
            let started = analyzers.enumerated().map { Worker(analyzer: $1, name: "analysis \($0)") }
            let handed: [(Waiter, Worker)] = lock.withLock {
                storedPrototype = analyzers.first
                workers = started
                idle = started
                readiness = .ready
                return handOut()
            }
            for (waiter, worker) in handed { waiter.continuation.resume(returning: worker) }
        case .failure(let error):
            let failed: [Waiter] = lock.withLock {
                readiness = .failed(String(describing: error))
                defer { waiters.removeAll() }
                return waiters
            }
            for waiter in failed { waiter.continuation.resume(throwing: APIError.notReady("the model could not be loaded")) }
        }
    }

    /// Takes a place for one request, or refuses when `capacity` requests are in already.
    /// Pair with ``leave()``.
    /// - Throws: ``APIError`` 503 with `Retry-After` when full, or while the model is not loaded.
    func admit() throws {
        try lock.withLock {
            switch readiness {
            case .loading: throw APIError.notReady("the model is still loading; see GET /readyz")
            case .failed: throw APIError.notReady("the model could not be loaded; see GET /readyz")
            case .ready: break
            }
            guard admittedCount < capacity else {
                throw APIError.busy(retryAfter: retryAfterLocked(),
                                    "all \(workerCount) workers are busy and the queue of \(capacity - workerCount) is full; retry later")
            }
            admittedCount += 1
        }
    }

    /// Gives back the place taken by ``admit()``.
    func leave() {
        lock.withLock { admittedCount -= 1 }
    }

    /// Seconds a refused client should wait: the queue ahead of it over the workers, at the mean analysis time.
    var retryAfter: Int { lock.withLock { retryAfterLocked() } }

    private func retryAfterLocked() -> Int {
        let mean = finished > 0 ? totalSeconds / Double(finished) : 5
        let ahead = Double(max(1, admittedCount - idle.count))
        return max(1, Int((mean * ahead / Double(workerCount)).rounded(.up)))
    }

    /// Runs `job` on a free worker's analyzer, on that worker's thread.
    ///
    /// Waiting and running together end at `deadline`: past it the caller gets 503 with
    /// `Retry-After` while a job already running finishes on its own (its worker returns to the pool then).
    /// - Throws: the job's error, or ``APIError`` 503 at the deadline.
    func run<T: Sendable>(until deadline: ContinuousClock.Instant, _ job: @escaping @Sendable (Analyzer) throws -> T) async throws -> T {
        let worker = try await acquire(until: deadline)
        let outcome = OneShot<T>()
        lock.withLock { started += 1 }
        worker.submit {
            let start = ContinuousClock.now
            let result = Result(catching: { try job(worker.analyzer) })
            self.release(worker, seconds: (ContinuousClock.now - start).seconds)
            outcome.resume(with: result)
        }
        let timer = Task {
            try await Task.sleep(until: deadline, clock: .continuous)
            outcome.resume(with: .failure(APIError.busy(retryAfter: self.retryAfter, "the analysis did not finish within the request time limit")))
        }
        defer { timer.cancel() }
        return try await outcome.value
    }

    /// Waits for a free worker until `deadline` (or the task's cancellation).
    private func acquire(until deadline: ContinuousClock.Instant) async throws -> Worker {
        let id: UInt64 = lock.withLock { nextWaiterID += 1; return nextWaiterID }
        let timer = Task {
            try await Task.sleep(until: deadline, clock: .continuous)
            self.expire(id, with: APIError.busy(retryAfter: self.retryAfter, "no worker became free within the request time limit"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Worker, any Error>) in
                // Checked under the lock, so a deadline or cancellation that fired before the
                // waiter was queued is not missed (its `expire` found nothing to fail).
                let handed: Result<Worker, any Error>? = lock.withLock {
                    if readiness == .ready, let worker = idle.popLast() { return .success(worker) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if ContinuousClock.now >= deadline {
                        return .failure(APIError.busy(retryAfter: retryAfterLocked(), "no worker became free within the request time limit"))
                    }
                    waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let handed { continuation.resume(with: handed) }
            }
        } onCancel: {
            self.expire(id, with: CancellationError())
        }
    }

    /// Fails waiter `id` if it is still waiting.
    private func expire(_ id: UInt64, with error: any Error) {
        let waiter: Waiter? = lock.withLock {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    private func release(_ worker: Worker, seconds: Double) {
        let handed: [(Waiter, Worker)] = lock.withLock {
            finished += 1
            totalSeconds += seconds
            idle.append(worker)
            return handOut()
        }
        for (waiter, worker) in handed { waiter.continuation.resume(returning: worker) }
    }

    /// Pairs waiters with idle workers, first come first served (call with the lock held).
    private func handOut() -> [(Waiter, Worker)] {
        var pairs: [(Waiter, Worker)] = []
        while !waiters.isEmpty, let worker = idle.popLast() {
            pairs.append((waiters.removeFirst(), worker))
        }
        return pairs
    }
}

/// A value delivered once, from whichever side comes first (a finished job or its deadline).
private final class OneShot<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    private var continuation: CheckedContinuation<T, any Error>?

    func resume(with result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = lock.withLock {
            guard self.result == nil else { return nil }
            self.result = result
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }

    var value: T {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<T, any Error>? = lock.withLock {
                    if let result { return result }
                    self.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
