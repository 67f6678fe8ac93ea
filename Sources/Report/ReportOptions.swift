import Foundation

/// An analyst's bookmark: a frame and a note (from the workbench).
public struct Bookmark: Codable, Sendable, Hashable {
    public var frame: Int
    public var note: String
    public init(frame: Int, note: String) {
        self.frame = frame
        self.note = note
    }
    public var seconds: Double { Double(frame) / 25 }
}

/// Who made a report, how, and what to include.
public struct ReportOptions: Sendable {
    /// Replace an existing report folder.
    public var force = false
    public var analyst: String?
    /// The exact command line (recorded in the chain of custody).
    public var command: [String] = CommandLine.arguments
    public var bookmarks: [Bookmark] = []
    /// Tool version and, when known, the source commit.
    public var toolVersion = "unknown"
    public var toolCommit: String?
    /// The weights file's path and the model-card facts shown in the method section.
    public var weightsPath: String?
    public var trainingSummary: String?
    /// Most key frames (one per flagged segment, the most suspicious first).
    public var maximumKeyFrames = 8
    /// The report time (UTC); fixed in tests.
    public var date = Date()

    public init() {}
}

/// Why a report could not be written.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case exists(String)
    case noExplanations
    case writeFailed(String)

    public var description: String {
        switch self {
        case let .exists(path): return "\(path) already exists; choose another folder or pass --force to replace it"
        case .noExplanations: return "the analysis has no explanations (run it with keepExplanations)"
        case let .writeFailed(reason): return "could not write the report: \(reason)"
        }
    }
}
