import Foundation

/// How many colours the terminal shows; `none` also when `NO_COLOR` is set.
public enum ColorDepth: Int, Sendable, Hashable, Comparable {
    case none = 0, eight = 8, palette256 = 256
    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
}

/// What the terminal can draw: the glyph set and the colour depth.
public struct DisplayOptions: Sendable, Hashable {
    public var glyphs: GlyphSet
    public var colors: ColorDepth

    public init(glyphs: GlyphSet = .braille, colors: ColorDepth = .palette256) {
        self.glyphs = glyphs
        self.colors = colors
    }

    /// Options for a terminal.
    /// - Parameters:
    ///   - environment: the process environment. `NO_COLOR` set to anything non-empty turns colour off
    ///     (no-color.org); `SYNCDEFENSE_GLYPHS=braille|block|ascii` overrides the glyph set;
    ///     `TERM=linux` (the console, whose font lacks braille) gets block glyphs.
    ///   - terminalColors: the terminal's colour count (ncurses `COLORS`, 0 without colour support).
    ///   - utf8: whether the locale's character set is UTF-8; ASCII glyphs otherwise.
    ///   - forceASCII: the `--ascii` option.
    public static func detect(environment: [String: String], terminalColors: Int, utf8: Bool, forceASCII: Bool = false) -> DisplayOptions {
        let colors: ColorDepth
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            colors = .none
        } else if terminalColors >= 256 {
            colors = .palette256
        } else if terminalColors >= 8 {
            colors = .eight
        } else {
            colors = .none
        }
        var glyphs: GlyphSet = utf8 ? .braille : .ascii
        if utf8, environment["TERM"] == "linux" { glyphs = .block }
        if let named = environment["SYNCDEFENSE_GLYPHS"].flatMap(GlyphSet.init(rawValue:)), utf8 || named == .ascii { glyphs = named }
        if forceASCII { glyphs = .ascii }
        return DisplayOptions(glyphs: glyphs, colors: colors)
    }
}
