import Foundation
@testable import Media
import Testing

@Suite struct StallWatchdogTests {
    @Test func aStoppedProcessDoesNotUseUpItsDeadline() throws {
        // Deadline 0.4 s, gaps over 0.2 s count as time the process did not run.
        let watchdog = StallWatchdog(timeoutSeconds: 0.4, suspensionGapSeconds: 0.2)
        watchdog.arm()
        #expect(!watchdog.expired)
        // No poll for 0.6 s, as when the process is stopped in the middle of a read: past the
        // wall-clock deadline, but the gap moves it on.
        usleep(600_000)
        #expect(!watchdog.expired)
        // Polled often, as FFmpeg does while it reads, the time counts again (a busy machine can
        // only delay the expiry, never bring it forward).
        let start = Date()
        var expiredAfter: Double?
        while Date().timeIntervalSince(start) < 30 {
            usleep(20_000)
            if watchdog.expired {
                expiredAfter = Date().timeIntervalSince(start)
                break
            }
        }
        let after = try #require(expiredAfter, "the watchdog never expired while polled")
        print("expired \(after) s after the gap")
        #expect(after > 0.3)
    }

    @Test func aRunningReadExpiresOnTime() {
        let watchdog = StallWatchdog(timeoutSeconds: 0.1, suspensionGapSeconds: 5)
        watchdog.arm()
        usleep(150_000)
        #expect(watchdog.expired)
    }
}
