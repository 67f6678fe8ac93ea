/// One character cell of the screen: a glyph and how to draw it.
///
/// Rendering produces cells that name *what* a colour means (a ``ColorRole``, a heat level, a pixel's
/// RGB); the ``Theme`` decides which terminal colour that becomes, so the same canvas can be drawn on
/// 256-colour, 8-colour and `NO_COLOR` terminals and compared as text in tests.
public struct Cell: Sendable, Hashable {
    /// One column wide; the renderer only uses single-width glyphs.
    public var character: Character
    public var style: Style

    public init(_ character: Character, _ style: Style = Style()) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell(" ")
}

/// Foreground, background and attributes of a cell.
public struct Style: Sendable, Hashable {
    public var foreground: Ink
    public var background: Ink
    public var attributes: TextAttributes

    public init(foreground: Ink = .terminalDefault, background: Ink = .terminalDefault, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// Text in a colour role.
    public static func role(_ role: ColorRole, _ attributes: TextAttributes = []) -> Style {
        Style(foreground: .role(role), attributes: attributes)
    }

    /// The same style with extra attributes.
    public func adding(_ extra: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }
}

/// A colour as the renderer means it.
public enum Ink: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// A semantic colour, mapped by the theme.
    case role(ColorRole)
    /// A pixel of the mouth crop.
    case rgb(UInt8, UInt8, UInt8)
    /// A heatmap level, 0 (cold) … 255 (hot).
    case heat(UInt8)

    /// A heat level from a value in 0…1 (clamped; NaN is cold).
    public static func heat(fraction: Float) -> Ink {
        guard fraction.isFinite else { return .heat(0) }
        return .heat(UInt8((min(max(fraction, 0), 1) * 255).rounded()))
    }
}

/// Text attributes that survive on monochrome terminals.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
}
