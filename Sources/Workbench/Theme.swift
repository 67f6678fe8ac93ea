/// Maps the renderer's colours (``Ink``) to terminal palette indices for a colour depth.
///
/// 256-colour terminals get the xterm palette (6×6×6 cube, grey ramp, an inferno-like heat ramp);
/// 8-colour terminals the ANSI colours; `ColorDepth.none` nothing at all (the renderer then shows
/// heat and pixels with shade glyphs and attributes instead).
public enum Theme {
    /// The palette index of `ink`, or nil for the terminal's default colour.
    public static func paletteIndex(of ink: Ink, depth: ColorDepth) -> Int? {
        switch (ink, depth) {
        case (_, .none), (.terminalDefault, _): return nil
        case (.role(let role), .eight): return ansi(role)
        case (.role(let role), .palette256): return xterm(role)
        case (.heat(let level), .eight): return heat8[Int(level) * heat8.count / 256]
        case (.heat(let level), .palette256): return heat256[Int(level) * heat256.count / 256]
        case (.rgb(let r, let g, let b), .eight): return nearestANSI(r, g, b)
        case (.rgb(let r, let g, let b), .palette256): return xtermCube(r, g, b)
        }
    }

    /// ANSI: 0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white.
    static func ansi(_ role: ColorRole) -> Int? {
        switch role {
        case .title, .gate, .diagonal: 6
        case .muted: nil
        case .accent, .drift, .cursor, .warning: 3
        case .border, .speech: 4
        case .inSync, .progress: 2
        case .offSync, .flagged, .error: 1
        case .artifact, .bookmark: 5
        case .peak: 7
        }
    }

    static func xterm(_ role: ColorRole) -> Int {
        switch role {
        case .title: 81
        case .muted: 245
        case .accent: 214
        case .border: 240
        case .inSync: 71
        case .offSync: 203
        case .artifact: 170
        case .gate: 75
        case .drift: 179
        case .speech: 68
        case .flagged: 160
        case .cursor: 226
        case .bookmark: 213
        case .diagonal: 51
        case .peak: 231
        case .progress: 77
        case .warning: 220
        case .error: 196
        }
    }

    /// Dark blue → purple → red → orange → yellow → near white.
    static let heat256 = [16, 17, 18, 54, 55, 91, 127, 163, 161, 197, 203, 209, 215, 221, 227, 229]
    static let heat8 = [0, 4, 5, 1, 3, 7]

    /// The xterm index nearest to an RGB colour (grey ramp for greys, else the 6×6×6 cube).
    static func xtermCube(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let (ri, gi, bi) = (Int(r), Int(g), Int(b))
        if abs(ri - gi) < 10 && abs(gi - bi) < 10 {
            let grey = (ri + gi + bi) / 3
            if grey < 8 { return 16 }
            if grey > 238 { return 231 }
            return 232 + (grey - 8) / 10
        }
        return 16 + 36 * level(r) + 6 * level(g) + level(b)
    }

    /// The ANSI colour nearest to an RGB colour (each channel against half its brightest).
    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let peak = max(r, g, b)
        guard peak >= 40 else { return 0 }
        let half = peak / 2
        return (r > half ? 1 : 0) | (g > half ? 2 : 0) | (b > half ? 4 : 0)
    }
}
