/// A monochrome dot raster drawn with a glyph set's finest cells: 2×4 dots per braille cell,
/// 1×2 per block cell (`▀ ▄ █`), 1×1 per ASCII cell (`#`). Multi-row timeline graphs draw into it.
struct DotGrid {
    let columns: Int, rows: Int
    let glyphs: GlyphSet
    /// Dots per cell across and down.
    let dotsAcross: Int, dotsDown: Int
    private var dots: [Bool]

    init(columns: Int, rows: Int, glyphs: GlyphSet) {
        self.columns = columns
        self.rows = rows
        self.glyphs = glyphs
        (dotsAcross, dotsDown) = switch glyphs {
        case .braille: (2, 4)
        case .block: (1, 2)
        case .ascii: (1, 1)
        }
        dots = Array(repeating: false, count: columns * dotsAcross * rows * dotsDown)
    }

    var width: Int { columns * dotsAcross }
    var height: Int { rows * dotsDown }

    /// Sets the dot at (`x`, `y`), `y` counted from the top; outside positions are ignored.
    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        dots[y * width + x] = true
    }

    /// Fills dot column `x` between heights `from` and `to` (dots from the bottom, `from ≤ to`, exclusive top).
    mutating func fillColumn(_ x: Int, from: Int, to: Int) {
        for level in max(0, from)..<max(max(0, from), min(height, to)) { set(x, height - 1 - level) }
    }

    /// The character of cell (`column`, `row`).
    func character(column: Int, row: Int) -> Character {
        func dot(_ dx: Int, _ dy: Int) -> Bool { dots[(row * dotsDown + dy) * width + column * dotsAcross + dx] }
        switch glyphs {
        case .braille:
            var bits: UInt8 = 0
            for dx in 0..<2 { for dy in 0..<4 where dot(dx, dy) { bits |= GlyphSet.brailleBit(column: dx, row: dy) } }
            return GlyphSet.braille(bits)
        case .block:
            switch (dot(0, 0), dot(0, 1)) {
            case (true, true): return "█"
            case (true, false): return "▀"
            case (false, true): return "▄"
            case (false, false): return " "
            }
        case .ascii:
            return dot(0, 0) ? "#" : " "
        }
    }
}
