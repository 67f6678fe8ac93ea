import Forensics
import Foundation

/// The workbench's only state transition: `reduce(&state, action) → effects`. Pure apart from the
/// clock it reads for the action log, so key handling is tested without a terminal.
public enum Reducer {
    /// The most zoom levels (each halves the visible frames).
    public static let maximumZoom = 6
    /// Message shown when no report exporter was supplied.
    public static let exportUnavailableText = "report export not available in this build"

    /// Applies `action` to `state`.
    /// - Returns: background work to start (media for the window now under the cursor, an export).
    public static func reduce(_ state: inout WorkbenchState, _ action: Action, now: Date = Date()) -> [Effect] {
        var effects: [Effect] = []
        switch action {
        case .stepFrames(let n): moveCursor(&state, to: state.cursor + n)
        case .stepSeconds(let n): moveCursor(&state, to: state.cursor + 25 * n)
        case .jumpToStart: moveCursor(&state, to: 0)
        case .jumpToEnd: moveCursor(&state, to: state.frameCount - 1)
        case .jumpToFrame(let f): moveCursor(&state, to: f)
        case .nextSegment, .previousSegment:
            let segments = state.analysis?.segments ?? []
            let target = action == .nextSegment
                ? segments.map(\.startFrame).filter { $0 > state.cursor }.min()
                : segments.map(\.startFrame).filter { $0 < state.cursor }.max()
            if let target {
                moveCursor(&state, to: target)
            } else {
                state.message = .init(segments.isEmpty ? "no flagged segments" : "no flagged segment \(action == .nextSegment ? "after" : "before") this frame")
            }
        case .zoomIn: state.zoom = min(maximumZoom, state.zoom + 1)
        case .zoomOut: state.zoom = max(0, state.zoom - 1)
        case .switchAttentionDirection:
            state.attentionView.direction = state.attentionView.direction == .videoToAudio ? .audioToVideo : .videoToAudio
        case .nextHead, .previousHead:
            let heads = state.analysis?.explanations?.attention.first?.heads ?? 0
            guard heads > 0 else { state.message = .init("no attention maps yet"); break }
            // Cycle mean → head 1 … head H → mean (and back).
            let position = state.attentionView.head.map { $0 + 1 } ?? 0
            let next = (position + (action == .nextHead ? 1 : heads)) % (heads + 1)
            state.attentionView.head = next == 0 ? nil : next - 1
        case .toggleArtifactOverlay: state.showsArtifactOverlay.toggle()
        case .toggleHelp: state.showsHelp.toggle()
        case .beginBookmark: state.prompt = .init(frame: state.cursor, text: state.bookmarks.first { $0.frame == state.cursor }?.note ?? "")
        case .promptCharacter(let c): state.prompt?.text.append(c)
        case .promptBackspace: if state.prompt?.text.isEmpty == false { state.prompt?.text.removeLast() }
        case .promptCancel: state.prompt = nil
        case .promptConfirm:
            guard let prompt = state.prompt else { break }
            state.prompt = nil
            let note = prompt.text.trimmingCharacters(in: .whitespaces)
            state.bookmarks.removeAll { $0.frame == prompt.frame }
            state.bookmarks.append(.init(frame: prompt.frame, note: note))
            state.bookmarks.sort { $0.frame < $1.frame }
            let time = String(format: "%.2f s", Double(prompt.frame) / 25)
            state.log.append(.init(time: now, text: "bookmark frame \(prompt.frame) (\(time))" + (note.isEmpty ? "" : ": \(note)")))
            state.message = .init("bookmarked frame \(prompt.frame)")
        case .exportReport:
            effects.append(.exportReport)
        case .quit:
            state.isFinished = true
        case .analysisProgress(let done, let total):
            if case .analysing = state.phase { state.phase = .analysing(done: done, total: max(total, 1)) }
            if state.analysis == nil, total > state.frameCount { state.frameCount = total }
        case .analysisFinished(let analysis):
            state.analysis = analysis
            state.phase = .finished
            state.frameCount = max(1, analysis.clip.frames)
            state.windowFrames = analysis.clip.windowFrames
            state.hopFrames = analysis.clip.hopFrames
            state.cursor = min(state.cursor, state.frameCount - 1)
            state.bookmarks.removeAll { $0.frame >= state.frameCount }
        case .analysisFailed(let reason):
            state.phase = .failed(reason)
            state.message = .init("analysis failed: \(reason)", kind: .error)
        case .mediaLoaded(let media):
            state.media = media
        case .mediaFailed(let frames, let reason):
            state.message = .init("frames \(frames.lowerBound)–\(frames.upperBound - 1) could not be decoded: \(reason)", kind: .error)
        case .reportExported(let url):
            state.log.append(.init(time: now, text: "exported report \(url.path)"))
            state.message = .init("report written to \(url.path)")
        case .reportFailed(let reason):
            state.message = .init("report export failed: \(reason)", kind: .error)
        case .reportUnavailable:
            state.message = .init(exportUnavailableText, kind: .warning)
        }
        // The window under the cursor needs its media once.
        let window = state.currentWindow.frames
        if state.media?.frames != window, state.mediaRequested != window {
            state.mediaRequested = window
            effects.insert(.loadMedia(window), at: 0)
        }
        return effects
    }

    private static func moveCursor(_ state: inout WorkbenchState, to frame: Int) {
        state.cursor = max(0, min(state.frameCount - 1, frame))
        state.message = nil
    }
}
