/// A key press as the workbench sees it (``Terminal`` translates ncurses codes into these).
public enum Key: Sendable, Hashable {
    case character(Character)
    case left, right, up, down
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab
    /// The terminal changed size.
    case resize
    /// A mouse click at a screen cell.
    case click(x: Int, y: Int)

    /// How the key is written on the help screen.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .left: "←"
        case .right: "→"
        case .up: "↑"
        case .down: "↓"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .resize: "resize"
        case .click: "click"
        }
    }

    /// The label in plain ASCII (arrow keys spelled out).
    public var asciiLabel: String {
        switch self {
        case .left: "Left"
        case .right: "Right"
        case .up: "Up"
        case .down: "Down"
        default: label
        }
    }
}
