import CNcursesw
import Foundation

/// The only code that talks to ncurses: opens a screen on a pair of streams, draws ``Canvas``es,
/// reads keys and mouse clicks, and restores the terminal when closed.
///
/// `newterm` on explicit streams lets tests run a real ncurses screen on pipes and files.
public final class Terminal {
    public enum TerminalError: Error, CustomStringConvertible {
        case cannotOpen(String)
        public var description: String {
            switch self {
            case .cannotOpen(let why): "cannot open the terminal: \(why)"
            }
        }
    }

    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// The display options detected for this terminal (colours, `NO_COLOR`, UTF-8).
    public let display: DisplayOptions
    private var pairs: [PairKey: Int16] = [:]
    private let pairLimit: Int
    private var isOpen = true

    private struct PairKey: Hashable {
        var foreground: Int32, background: Int32
    }

    /// Opens an ncurses screen.
    /// - Parameters:
    ///   - type: the terminal type (`TERM`); nil uses the environment's.
    ///   - input, output: the streams (default: standard input and output).
    ///   - environment: for `NO_COLOR`, `TERM` and `SYNCDEFENSE_GLYPHS`.
    ///   - forceASCII: draw with ASCII glyphs only.
    /// - Throws: ``TerminalError/cannotOpen(_:)`` when ncurses cannot set up the terminal (unknown type, no terminfo).
    public init(type: String? = nil, input: UnsafeMutablePointer<FILE>? = nil, output: UnsafeMutablePointer<FILE>? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, forceASCII: Bool = false) throws {
        setlocale(LC_ALL, "")
        let term = type ?? environment["TERM"] ?? "xterm"
        guard let screen = newterm(term, output ?? cncurses_stdout(), input ?? cncurses_stdin()) else {
            throw TerminalError.cannotOpen("ncurses does not know terminal type \"\(term)\"")
        }
        self.screen = screen
        set_term(screen)
        window = cncurses_stdscr()
        cbreak()
        noecho()
        nonl()
        curs_set(0)
        keypad(window, true)
        set_escdelay(25)
        mousemask(cncurses_button1_pressed() | cncurses_button1_clicked(), nil)
        mouseinterval(0)
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cncurses_colors())
        }
        pairLimit = min(Int(cncurses_color_pairs()) - 1, Int(Int16.max))
        let utf8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        display = DisplayOptions.detect(environment: environment, terminalColors: colors, utf8: utf8, forceASCII: forceASCII)
    }

    deinit { close() }

    /// Ends the screen and restores the terminal (idempotent).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        set_term(screen)
        endwin()
        delscreen(screen)
    }

    /// The terminal's size now.
    public var size: Size {
        var rows: Int32 = 0, columns: Int32 = 0
        cncurses_getmaxyx(window, &rows, &columns)
        return Size(width: Int(columns), height: Int(rows))
    }

    /// Draws a canvas (ncurses sends only what changed).
    public func draw(_ canvas: Canvas) {
        if pairs.count > pairLimit * 3 / 4 {
            // Out of colour pairs: start over and repaint everything with the new numbering.
            pairs.removeAll()
            clearok(window, true)
        }
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                put(canvas[x, y], x: x, y: y)
            }
        }
        wrefresh(window)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let style = cell.style
        var attributes = cncurses_a_normal()
        if style.attributes.contains(.bold) { attributes |= cncurses_a_bold() }
        if style.attributes.contains(.dim) { attributes |= cncurses_a_dim() }
        if style.attributes.contains(.reverse) { attributes |= cncurses_a_reverse() }
        if style.attributes.contains(.underline) { attributes |= cncurses_a_underline() }
        let pair = pair(foreground: style.foreground, background: style.background)
        let scalar = cell.character.unicodeScalars.first?.value ?? 32
        var characters: [wchar_t] = [wchar_t(bitPattern: scalar), 0]
        var complex = cchar_t()
        setcchar(&complex, &characters, attributes, pair, nil)
        mvwadd_wch(window, Int32(y), Int32(x), &complex)
    }

    private func pair(foreground: Ink, background: Ink) -> Int16 {
        let fg = Theme.paletteIndex(of: foreground, depth: display.colors).map(Int32.init) ?? -1
        let bg = Theme.paletteIndex(of: background, depth: display.colors).map(Int32.init) ?? -1
        if fg == -1 && bg == -1 { return 0 }
        let key = PairKey(foreground: fg, background: bg)
        if let known = pairs[key] { return known }
        guard pairs.count < pairLimit else { return 0 }
        let number = Int16(pairs.count + 1)
        init_pair(number, Int16(fg), Int16(bg))
        pairs[key] = number
        return number
    }

    /// Waits up to `timeout` milliseconds for a key.
    /// - Returns: the key, or nil when none came (or the input ended).
    public func readKey(timeout milliseconds: Int32) -> Key? {
        wtimeout(window, milliseconds)
        var code: wint_t = 0
        let status = wget_wch(window, &code)
        if status == ERR { return nil }
        if status == KEY_CODE_YES { return functionKey(Int32(code)) }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 3: return .character("q") // Ctrl-C quits like q
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)), code >= 32 else { return nil }
            return .character(Character(scalar))
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            return .click(x: Int(event.x), y: Int(event.y))
        default: return nil
        }
    }
}
