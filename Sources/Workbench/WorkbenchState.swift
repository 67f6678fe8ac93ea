import Forensics
import Foundation

/// Everything the workbench shows, as one value: the analysis as it arrives and the analyst's view
/// of it. Changed only by ``Reducer/reduce(_:_:)``; drawn by ``Renderer/render(_:size:)``.
public struct WorkbenchState: Sendable {
    /// How far the analysis has got.
    public enum Phase: Sendable, Equatable {
        case analysing(done: Int, total: Int)
        case finished
        case failed(String)
    }

    /// Which cross-attention map the attention panel shows.
    public struct AttentionView: Sendable, Hashable {
        public enum Direction: String, Sendable, Hashable {
            /// Video queries over audio keys, and audio queries over video keys.
            case videoToAudio = "v→a", audioToVideo = "a→v"
        }
        public var direction: Direction = .videoToAudio
        /// nil = the mean over heads; else a head index.
        public var head: Int?
        public init(direction: Direction = .videoToAudio, head: Int? = nil) {
            self.direction = direction
            self.head = head
        }
    }

    /// A frame the analyst marked, with a note.
    public struct Bookmark: Sendable, Hashable, Codable {
        public var frame: Int
        public var note: String
        public init(frame: Int, note: String) {
            self.frame = frame
            self.note = note
        }
    }

    /// One logged analyst action (bookmarks, notes, exports), for the report: forensic work must be
    /// reproducible.
    public struct LogEntry: Sendable, Hashable, Codable {
        public var time: Date
        public var text: String
        public init(time: Date, text: String) {
            self.time = time
            self.text = text
        }
    }

    /// A one-line message in the status bar.
    public struct Message: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case info, warning, error }
        public var text: String
        public var kind: Kind
        public init(_ text: String, kind: Kind = .info) {
            self.text = text
            self.kind = kind
        }
    }

    /// The note being typed for a new bookmark.
    public struct NotePrompt: Sendable, Hashable {
        public var frame: Int
        public var text: String
    }

    /// The clip's path as given.
    public var file: String
    /// Frames on the 25 fps timeline: estimated from the container until the analysis arrives.
    public var frameCount: Int
    /// Model window length and hop in frames (the window under the cursor is one of these).
    public var windowFrames: Int
    public var hopFrames: Int
    /// The weights' preset name and file, shown before the analysis carries its provenance.
    public var preset: String?
    public var weightsFile: String?
    public var phase: Phase
    public var analysis: Analysis?
    /// The cursor's video frame.
    public var cursor = 0
    /// Time-axis zoom: the timeline shows `frameCount >> zoom` frames around the cursor.
    public var zoom = 0
    public var attentionView = AttentionView()
    public var showsArtifactOverlay = true
    public var showsHelp = false
    public var prompt: NotePrompt?
    public var bookmarks: [Bookmark] = []
    public var log: [LogEntry] = []
    public var message: Message?
    /// Decoded crops and log-mel of the window under the cursor, once loaded.
    public var media: WindowMedia?
    /// The window whose media was last asked for (so it is asked for once).
    public var mediaRequested: Range<Int>?
    public var display: DisplayOptions
    public var isFinished = false

    public init(file: String, frameCount: Int, windowFrames: Int = 50, hopFrames: Int = 25, preset: String? = nil,
                weightsFile: String? = nil, display: DisplayOptions = DisplayOptions()) {
        self.file = file
        self.frameCount = max(1, frameCount)
        self.windowFrames = windowFrames
        self.hopFrames = hopFrames
        self.preset = preset
        self.weightsFile = weightsFile
        self.display = display
        phase = .analysing(done: 0, total: max(1, frameCount))
    }

    /// The zoomed frames the timeline shows.
    public var visibleFrames: Range<Int> {
        TimeAxis.visibleRange(frameCount: frameCount, zoom: zoom, cursor: cursor)
    }

    /// Start frames of the analysis windows: the analysed ones, else the plan the analysis will use.
    public var windowStarts: [Int] {
        if let attention = analysis?.explanations?.attention, !attention.isEmpty { return attention.map(\.start) }
        let plan = try? WindowPlan(frameCount: frameCount, windowFrames: windowFrames, hopFrames: hopFrames, minimumFrames: 1)
        return plan?.windows.map(\.start) ?? [0]
    }

    /// The window under the cursor: of the windows containing it, the one whose centre is nearest.
    /// - Returns: its index among ``windowStarts`` and its frames (clipped to the clip).
    public var currentWindow: (index: Int, frames: Range<Int>) {
        let starts = windowStarts
        var best = 0
        var bestDistance = Int.max
        for (i, s) in starts.enumerated() {
            let inside = cursor >= s && cursor < s + windowFrames
            let distance = abs(2 * cursor - (2 * s + windowFrames - 1)) + (inside ? 0 : 1_000_000)
            if distance < bestDistance { best = i; bestDistance = distance }
        }
        let s = starts.isEmpty ? 0 : starts[best]
        return (best, s..<max(s + 1, min(s + windowFrames, frameCount)))
    }
}
