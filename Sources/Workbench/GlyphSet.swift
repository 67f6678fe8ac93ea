/// The characters graphics are drawn with: braille (UTF-8 terminals with good fonts), block
/// elements (UTF-8 without braille, e.g. the Linux console), or plain ASCII.
public enum GlyphSet: String, Sendable, Hashable, CaseIterable {
    case braille, block, ascii

    /// Nine levels for one-row sparklines, empty to full.
    public var sparkRamp: [Character] {
        switch self {
        case .braille, .block: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        case .ascii: [" ", "_", ".", "-", ":", "=", "+", "*", "#"]
        }
    }

    /// Shades for heatmaps without colour, light to dark.
    public var shadeRamp: [Character] {
        switch self {
        case .braille, .block: [" ", "░", "▒", "▓", "█"]
        case .ascii: [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
        }
    }

    /// Whether `▀` (upper half block) can carry two pixels per cell.
    public var hasHalfBlocks: Bool { self != .ascii }

    public var horizontal: Character { self == .ascii ? "-" : "─" }
    public var vertical: Character { self == .ascii ? "|" : "│" }
    public var cursorMark: Character { self == .ascii ? "^" : "▲" }
    public var rowMark: Character { self == .ascii ? ">" : "▶" }
    public var diagonal: Character { self == .ascii ? "\\" : "╲" }
    public var peak: Character { self == .ascii ? "o" : "●" }
    public var bookmark: Character { self == .ascii ? "*" : "◆" }
    public var band: Character { self == .ascii ? "=" : "▓" }
    public var speech: Character { self == .ascii ? "#" : "█" }
    public var silence: Character { self == .ascii ? "." : "·" }
    public var tick: Character { self == .ascii ? "|" : "┴" }
    public var ellipsis: Character { self == .ascii ? "~" : "…" }
    public var full: Character { self == .ascii ? "#" : "█" }
    public var empty: Character { self == .ascii ? "." : "░" }
    public var rightArrow: String { self == .ascii ? "->" : "→" }
    public var upperHalf: Character { "▀" }
    public var corners: (topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character) {
        self == .ascii ? ("+", "+", "+", "+") : ("┌", "┐", "└", "┘")
    }

    /// A braille cell from its dot bits (`0x01` top-left … `0x80` bottom-right, Unicode order).
    public static func braille(_ dots: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(dots))!)
    }

    /// The dot bit of column `c` (0 left, 1 right) and row `r` (0 top … 3 bottom) of a braille cell.
    public static func brailleBit(column c: Int, row r: Int) -> UInt8 {
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40], right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
        return (c == 0 ? left : right)[r]
    }
}
