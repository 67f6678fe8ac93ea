import CFFmpeg
import Foundation

/// A deadline that FFmpeg's interrupt callback polls during blocking I/O, so a
/// stalled or hostile input cannot hang a read forever.
///
/// The owner calls ``arm()`` before each blocking call; FFmpeg aborts the call
/// with `AVERROR_EXIT` once the deadline passes.
final class StallWatchdog: @unchecked Sendable {
    // Written by the owning thread, read by FFmpeg's callback on the same thread.
    private var deadlineNanoseconds: UInt64 = .max
    let timeoutSeconds: Double

    init(timeoutSeconds: Double) {
        self.timeoutSeconds = timeoutSeconds
    }

    /// Starts a new deadline `timeoutSeconds` from now.
    func arm() {
        deadlineNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutSeconds * 1e9)
    }

    /// Whether the current deadline has passed.
    var expired: Bool { DispatchTime.now().uptimeNanoseconds > deadlineNanoseconds }

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
