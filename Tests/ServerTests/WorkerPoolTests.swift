import Dispatch
import Forensics
import Foundation
import Testing
@testable import Server

@Suite struct WorkerPoolTests {
    static func readyPool(workers: Int, queueDepth: Int) async throws -> WorkerPool {
        let pool = WorkerPool(workers: workers, queueDepth: queueDepth)
        let weights = TestWeights.url
        await pool.load { try Analyzer(weights: weights, version: "test") }
        try #require(pool.state == .ready)
        return pool
    }

    @Test func admissionIsBoundedAndAFullServerSaysWhenToRetry() async throws {
        let pool = try await Self.readyPool(workers: 1, queueDepth: 1)
        try pool.admit()
        try pool.admit()
        do {
            try pool.admit()
            Issue.record("a third request was admitted past workers + queue = 2")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.code == "busy")
            #expect(Int(error.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
        pool.leave()
        try pool.admit()
        #expect(pool.snapshot.admitted == 2)
    }

    @Test func aJobPastItsDeadlineAnswers503AndItsWorkerReturnsWhenItEnds() async throws {
        let pool = try await Self.readyPool(workers: 1, queueDepth: 0)
        let gate = DispatchSemaphore(value: 0)
        do {
            _ = try await pool.run(until: .now + .milliseconds(100)) { _ in gate.wait(); return 1 }
            Issue.record("the job outlived its deadline but the caller got its value")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.headers[.retryAfter] != nil)
        }
        // The worker is still busy: a second job waits, then times out too.
        #expect(pool.snapshot.busy == 1)
        await #expect(throws: APIError.self) { try await pool.run(until: .now + .milliseconds(100)) { _ in 2 } }
        gate.signal()
        // Once the first job ends its worker serves again.
        // Deadlines that are not under test are generous: the whole suite runs in parallel on two
        // cores, and a resumed waiter can sit behind other tests' work on the cooperative pool.
        let value = try await pool.run(until: .now + .seconds(600)) { _ in 3 }
        #expect(value == 3)
        #expect(pool.snapshot.busy == 0)
        #expect(pool.snapshot.analysesFinished == 2)
    }

    @Test func waitersAreServedInOrderByOneWorker() async throws {
        let pool = try await Self.readyPool(workers: 1, queueDepth: 8)
        let order = LockedList()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<6 {
                group.addTask {
                    _ = try await pool.run(until: .now + .seconds(600)) { analyzer in
                        order.append(i, analyzer: ObjectIdentifier(analyzer))
                        Thread.sleep(forTimeInterval: 0.01)
                        return i
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(order.values.count == 6)
        #expect(Set(order.analyzers).count == 1, "one worker, one analyzer")
        #expect(order.maxConcurrent == 1)
    }
}

extension WorkerPoolTests {
    @Test func everyJobOfAWorkerRunsOnThatWorkersOneThread() async throws {
        let pool = try await Self.readyPool(workers: 2, queueDepth: 8)
        var threads: [ObjectIdentifier: Set<String>] = [:]
        for _ in 0..<8 {
            // A thread's name and id together: glibc reuses the ids of threads that ended.
            let (analyzer, thread) = try await pool.run(until: .now + .seconds(600)) { analyzer in
                (ObjectIdentifier(analyzer), "\(Thread.current.name ?? "unnamed") \(pthread_self())")
            }
            #expect(thread.hasPrefix("analysis "))
            threads[analyzer, default: []].insert(thread)
        }
        #expect(threads.values.allSatisfy { $0.count == 1 }, "a worker's jobs ran on \(threads.values.map(\.count)) threads")
        #expect(Set(threads.values.flatMap { $0 }).count == threads.count, "two workers shared a thread")
    }
}

/// Records job order and checks that no two jobs overlap on one worker.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Int] = []
    private(set) var analyzers: [ObjectIdentifier] = []
    private var running = 0
    private(set) var maxConcurrent = 0

    func append(_ value: Int, analyzer: ObjectIdentifier) {
        lock.withLock {
            values.append(value)
            analyzers.append(analyzer)
            running += 1
            maxConcurrent = max(maxConcurrent, running)
        }
        Thread.sleep(forTimeInterval: 0.005)
        lock.withLock { running -= 1 }
    }
}
