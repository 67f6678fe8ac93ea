import Dispatch
import Foundation

/// A progress line on stderr: bar, count, rate and time left. Thread-safe.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let started = DispatchTime.now()
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastPrinted = 0.0

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    func update(_ done: Int, of pending: Int) {
        lock.withLock {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            guard interactive || elapsed - lastPrinted >= 10 || done == pending else { return }
            lastPrinted = elapsed
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let left = rate > 0 ? Double(pending - done) / rate : 0
            let width = 24
            let filled = pending > 0 ? width * done / pending : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let text = String(format: "%@ %d/%d %@  %.2f/s  ETA %.0f s", bar, done, pending, label, rate, left)
            FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + text + (interactive ? "" : "\n")).utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Set by the first Ctrl-C (SIGINT) so long work can stop cleanly; a second Ctrl-C exits at once.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            let already = lock.withLock { () -> Bool in
                defer { set = true }
                return set
            }
            if already { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupted: finishing the work in progress (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    var isSet: Bool { lock.withLock { set } }
}
