import Dispatch
import Forensics
import Foundation
import Testing
@testable import Server

@Suite struct WorkerTests {
    /// Workers started at the same moment from Dispatch threads, as the pool starts them from the
    /// cooperative pool: every worker's thread carries its own name, not its creator's. (Naming
    /// through Foundation's `Thread.name` lost the name of 4–7 threads of 200 here, when the new
    /// thread ran before its creator's `start()` returned.)
    @Test func everyWorkerThreadCarriesItsNameHoweverItsCreatorIsScheduled() async throws {
        let analyzer = try Analyzer(weights: TestWeights.url, version: "test")
        let count = 200
        let workers = LockedWorkers()
        DispatchQueue.concurrentPerform(iterations: count) { index in
            workers.add(Worker(analyzer: analyzer, name: "analysis \(index)"), at: index)
        }
        defer { for worker in workers.all { worker.stop() } }
        var misnamed: [String] = []
        for (index, worker) in workers.all.enumerated() {
            let name = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                worker.submit { continuation.resume(returning: Thread.current.name ?? "unnamed") }
            }
            if name != "analysis \(index)" { misnamed.append("worker \(index) ran on \"\(name)\"") }
        }
        #expect(misnamed.isEmpty, "\(misnamed.count) of \(count) workers: \(misnamed.prefix(5))")
    }
}

/// Workers by index, filled from several threads.
private final class LockedWorkers: @unchecked Sendable {
    private let lock = NSLock()
    private var workers: [Int: Worker] = [:]

    func add(_ worker: Worker, at index: Int) { lock.withLock { workers[index] = worker } }

    var all: [Worker] { lock.withLock { workers.keys.sorted().map { workers[$0]! } } }
}
