/// The key bindings, as data: one table drives both input handling and the `?` help screen.
public struct KeyBinding: Sendable {
    public enum Group: String, Sendable, Hashable, CaseIterable {
        case move = "Move", view = "View", evidence = "Evidence", session = "Session"
    }
    public var keys: [Key]
    public var action: Action
    public var group: Group
    public var help: String

    public init(_ keys: [Key], _ action: Action, _ group: Group, _ help: String) {
        self.keys = keys
        self.action = action
        self.group = group
        self.help = help
    }
}

/// The workbench's key table.
public enum KeyTable {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.right, .character("l")], .stepFrames(1), .move, "next frame"),
        KeyBinding([.left, .character("h")], .stepFrames(-1), .move, "previous frame"),
        KeyBinding([.pageDown, .character("L")], .stepSeconds(1), .move, "one second later"),
        KeyBinding([.pageUp, .character("H")], .stepSeconds(-1), .move, "one second earlier"),
        KeyBinding([.home, .character("g")], .jumpToStart, .move, "first frame"),
        KeyBinding([.end, .character("G")], .jumpToEnd, .move, "last frame"),
        KeyBinding([.character("n"), .character("]")], .nextSegment, .move, "next flagged segment"),
        KeyBinding([.character("N"), .character("[")], .previousSegment, .move, "previous flagged segment"),
        KeyBinding([.character("+"), .character("=")], .zoomIn, .view, "zoom time axis in"),
        KeyBinding([.character("-"), .character("_")], .zoomOut, .view, "zoom time axis out"),
        KeyBinding([.character("a"), .tab], .switchAttentionDirection, .view, "switch attention v/a, a/v"),
        KeyBinding([.character("e")], .nextHead, .view, "next attention head"),
        KeyBinding([.character("E"), .backTab], .previousHead, .view, "previous attention head"),
        KeyBinding([.character("o")], .toggleArtifactOverlay, .view, "artifact overlay on/off"),
        KeyBinding([.character("b")], .beginBookmark, .evidence, "bookmark frame with a note"),
        KeyBinding([.character("r")], .exportReport, .evidence, "export report of this state"),
        KeyBinding([.character("?")], .toggleHelp, .session, "this help"),
        KeyBinding([.character("q")], .quit, .session, "quit"),
    ]

    /// The action for a key in the current state: typing while a note prompt is open, closing the help
    /// with any key, otherwise the table. Mouse clicks and resizes are handled by the session.
    public static func action(for key: Key, in state: WorkbenchState) -> Action? {
        if state.prompt != nil {
            switch key {
            case .enter: return .promptConfirm
            case .escape: return .promptCancel
            case .backspace: return .promptBackspace
            case .character(let c) where !c.isNewline: return .promptCharacter(c)
            default: return nil
            }
        }
        if state.showsHelp {
            if key == .character("q") { return .quit }
            return .toggleHelp
        }
        return bindings.first { $0.keys.contains(key) }?.action
    }
}
