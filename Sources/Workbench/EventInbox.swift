import Foundation

/// A thread-safe queue of actions posted by background work and drained by the input loop.
final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Action] = []

    func post(_ action: Action) {
        lock.withLock { actions.append(action) }
    }

    /// Everything posted so far, oldest first; leaves the inbox empty.
    func drain() -> [Action] {
        lock.withLock {
            defer { actions.removeAll() }
            return actions
        }
    }
}
