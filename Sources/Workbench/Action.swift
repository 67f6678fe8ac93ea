import Forensics
import Foundation

/// Everything that can change the workbench: the analyst's commands (from the ``KeyTable`` or the
/// mouse) and the events of background work (analysis progress, decoded media, exports).
public enum Action: Sendable, Equatable {
    // Navigation
    case stepFrames(Int)
    case stepSeconds(Int)
    case jumpToStart, jumpToEnd
    case jumpToFrame(Int)
    case nextSegment, previousSegment
    case zoomIn, zoomOut
    // Views
    case switchAttentionDirection
    case nextHead, previousHead
    case toggleArtifactOverlay
    case toggleHelp
    // Bookmarks with a note
    case beginBookmark
    case promptCharacter(Character)
    case promptBackspace
    case promptConfirm
    case promptCancel
    // Session
    case exportReport
    case quit
    // Background events
    case analysisProgress(done: Int, total: Int)
    case analysisFinished(Analysis)
    case analysisFailed(String)
    case mediaLoaded(WindowMedia)
    case mediaFailed(frames: Range<Int>, reason: String)
    case reportExported(URL)
    case reportFailed(String)
    case reportUnavailable
}

/// Work ``Reducer/reduce(_:_:)`` asks the session to do outside the pure state change.
public enum Effect: Sendable, Equatable {
    /// Decode the crops and log-mel of these frames (posts `mediaLoaded` or `mediaFailed`).
    case loadMedia(Range<Int>)
    /// Export a report of the current state (posts `reportExported`, `reportFailed` or `reportUnavailable`).
    case exportReport
}
