import CFFmpeg
import Foundation

/// A deadline that FFmpeg's interrupt callback polls during blocking I/O, so a
/// stalled or hostile input cannot hang a read forever.
///
/// The owner calls ``arm()`` before each blocking call; FFmpeg aborts the call
/// with `AVERROR_EXIT` once the deadline passes.
///
/// The deadline counts the time the process runs, not wall time: FFmpeg polls the
/// callback many times a second while it reads, so a gap of more than
/// `suspensionGapSeconds` between two polls (or since ``arm()``) means the process
/// was not running — stopped with Ctrl-Z, or descheduled — and the deadline moves
/// on by that gap. (The price: a single read call that blocks for longer than the
/// gap, which only a very slow network file system can cause, is not counted either.)
final class StallWatchdog: @unchecked Sendable {
    // Written by the owning thread, read and moved by FFmpeg's callback on the same thread.
    private var deadlineNanoseconds: UInt64 = .max
    private var lastSeenNanoseconds: UInt64 = 0
    let timeoutSeconds: Double
    let suspensionGapSeconds: Double

    init(timeoutSeconds: Double, suspensionGapSeconds: Double = 5) {
        self.timeoutSeconds = timeoutSeconds
        self.suspensionGapSeconds = suspensionGapSeconds
    }

    /// Starts a new deadline `timeoutSeconds` from now.
    func arm() {
        let now = DispatchTime.now().uptimeNanoseconds
        lastSeenNanoseconds = now
        deadlineNanoseconds = now.addingReportingOverflow(UInt64(timeoutSeconds * 1e9)).partialValue
    }

    /// Whether the current deadline has passed, after moving it on by any gap since the last
    /// check that was long enough to mean the process was not running.
    var expired: Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if deadlineNanoseconds != .max, now > lastSeenNanoseconds {
            let gap = now - lastSeenNanoseconds
            if Double(gap) > suspensionGapSeconds * 1e9 {
                let (moved, overflow) = deadlineNanoseconds.addingReportingOverflow(gap)
                deadlineNanoseconds = overflow ? .max : moved
            }
        }
        lastSeenNanoseconds = now
        return now > deadlineNanoseconds
    }

    /// The callback record for `AVFormatContext.interrupt_callback`. The watchdog
    /// must outlive the format context that holds it (the container owns both).
    var interruptCallback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<StallWatchdog>.fromOpaque(opaque).takeUnretainedValue().expired ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque()
        )
    }
}
