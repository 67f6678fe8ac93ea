import Foundation

/// The log-mel strip of the window under the cursor: bands upward (low frequencies at the bottom),
/// time across, with the cursor's frame marked under it. Two bands per cell with `▀` in colour.
enum MelView {
    /// Dynamic range shown below the strip's loudest bin, in natural-log power (e^10 ≈ 43 dB).
    static let range: Float = 10

    static func draw(_ canvas: inout Canvas, frame: PanelFrame, state: WorkbenchState) {
        let glyphs = state.display.glyphs
        let window = state.currentWindow.frames
        frame.drawTitle(String(format: "log-mel %.2f%@%.2f s", Double(window.lowerBound) / 25, glyphs == .ascii ? "-" : "–", Double(window.upperBound) / 25),
                        into: &canvas, glyphs: glyphs)
        guard let media = state.media, media.frames == window, media.melFrames > 0 else {
            frame.drawNote("decoding" + String(glyphs.ellipsis), into: &canvas, glyphs: glyphs)
            return
        }
        let content = frame.content
        let halfBlocks = glyphs.hasHalfBlocks && state.display.colors != .none
        let columns = min(content.width, media.melFrames)
        let rows = min(content.height * (halfBlocks ? 2 : 1), media.melBands)
        guard columns > 0, rows > 0 else { return }
        let top = media.mel.filter(\.isFinite).max() ?? 0
        /// Level 0…1 of bin (`row` from the top, `column`).
        func level(_ row: Int, _ column: Int) -> Float {
            let bandHigh = media.melBands - row * media.melBands / rows
            let bandLow = media.melBands - max(row * media.melBands / rows + 1, (row + 1) * media.melBands / rows)
            let t0 = column * media.melFrames / columns, t1 = max(t0 + 1, (column + 1) * media.melFrames / columns)
            var sum: Float = 0, n: Float = 0
            for band in bandLow..<bandHigh { for t in t0..<t1 where media.mel[band * media.melFrames + t].isFinite { sum += media.mel[band * media.melFrames + t]; n += 1 } }
            return n == 0 ? 0 : max(0, min(1, (sum / n - (top - range)) / range))
        }
        let cellRows = halfBlocks ? rows / 2 : rows
        for cy in 0..<cellRows {
            for c in 0..<columns {
                let cell: Cell
                if halfBlocks {
                    cell = Cell(glyphs.upperHalf, Style(foreground: .heat(fraction: level(2 * cy, c)), background: .heat(fraction: level(2 * cy + 1, c))))
                } else if state.display.colors == .none {
                    let ramp = glyphs.shadeRamp
                    cell = Cell(ramp[min(ramp.count - 1, Int(level(cy, c) * Float(ramp.count - 1) + 0.5))])
                } else {
                    cell = Cell(" ", Style(background: .heat(fraction: level(cy, c))))
                }
                canvas.set(x: content.x + c, y: content.y + cy, cell)
            }
        }
        // The cursor's frame under the strip.
        let y = frame.footerY
        for c in 0..<columns { canvas.set(x: content.x + c, y: y, Cell(glyphs.horizontal, .role(.muted, .dim))) }
        let relative = state.cursor - window.lowerBound
        if relative >= 0, relative < window.count {
            let c = (relative * 4) * columns / media.melFrames
            canvas.set(x: content.x + c, y: y, Cell(glyphs.cursorMark, .role(.cursor, .bold)))
        }
    }
}
