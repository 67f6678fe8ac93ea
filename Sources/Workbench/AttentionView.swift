import Forensics
import Foundation

/// The cross-attention heatmap of the window under the cursor: rows are query frames, columns key
/// frames, binned to fit. The diagonal (perfect sync) is marked `╲`, each row's peak `●`, and the
/// cursor's row `▶`, so a shifted alignment shows as peaks running parallel to the diagonal.
enum AttentionView {
    /// Columns the panel wants for `contentRows` rows (square-ish: two columns per row, at most `W`).
    static func preferredWidth(contentRows: Int, windowFrames: Int) -> Int {
        min(windowFrames, 2 * contentRows) + 1
    }

    static func draw(_ canvas: inout Canvas, frame: PanelFrame, state: WorkbenchState) {
        let glyphs = state.display.glyphs
        let view = state.attentionView
        let headText = view.head.map { "head \($0 + 1)" } ?? "mean"
        let (index, windowFrames) = state.currentWindow
        let windows = state.windowStarts.count
        frame.drawTitle("attention \(view.direction.label(glyphs)) \(headText) w\(index + 1)/\(windows)", into: &canvas, glyphs: glyphs)
        guard let attention = state.analysis?.explanations?.attention, index < attention.count else {
            frame.drawNote(state.analysis == nil ? "waiting for the analysis" : "no attention maps", into: &canvas, glyphs: glyphs)
            return
        }
        let map = AttentionMap(window: attention[index], view: view, validFrames: windowFrames.count)
        let content = frame.content
        let keyBins = min(map.frames, content.width - 1)
        let queryBins = min(map.frames, content.height, max(1, (keyBins + 1) / 2))
        guard keyBins > 0, queryBins > 0 else { return }
        func range(_ bin: Int, _ bins: Int) -> Range<Int> { (bin * map.frames / bins)..<max(bin * map.frames / bins + 1, (bin + 1) * map.frames / bins) }
        var cells = [Float](repeating: 0, count: queryBins * keyBins)
        for r in 0..<queryBins { for c in 0..<keyBins { cells[r * keyBins + c] = map.mean(rows: range(r, queryBins), keys: range(c, keyBins)) } }
        // Min–max scaled: an untrained or unsure model's nearly flat map still shows its structure.
        let low = cells.min() ?? 0, span = max((cells.max() ?? 1) - low, 1e-12)
        let cursorQuery = state.cursor - map.start
        for r in 0..<queryBins {
            let rows = range(r, queryBins)
            let y = content.y + r
            if rows.contains(cursorQuery) { canvas.set(x: content.x, y: y, Cell(glyphs.rowMark, .role(.cursor, .bold))) }
            let centre = (rows.lowerBound + rows.upperBound - 1) / 2
            let diagonal = centre * keyBins / map.frames
            var peak = 0
            for c in 0..<keyBins where cells[r * keyBins + c] > cells[r * keyBins + peak] { peak = c }
            for c in 0..<keyBins {
                let level = (cells[r * keyBins + c] - low) / span
                var cell: Cell
                if state.display.colors == .none {
                    let ramp = glyphs.shadeRamp
                    cell = Cell(ramp[min(ramp.count - 1, Int(level * Float(ramp.count - 1) + 0.5))])
                } else {
                    cell = Cell(" ", Style(background: .heat(fraction: level)))
                }
                if c == peak {
                    cell.character = glyphs.peak
                    cell.style.foreground = .role(.peak)
                    cell.style.attributes.insert(.bold)
                } else if c == diagonal {
                    cell.character = glyphs.diagonal
                    cell.style.foreground = .role(.diagonal)
                }
                canvas.set(x: content.x + 1 + c, y: y, cell)
            }
        }
        let offset = map.peakOffset
        let meaning = offset == 0 ? "on the diagonal" : offset > 0 ? "audio leads" : "audio lags"
        frame.drawFooter(String(format: "peak %+d fr %@", offset, meaning), into: &canvas, glyphs: glyphs,
                         style: .role(offset == 0 ? .muted : .drift))
    }
}

extension WorkbenchState.AttentionView.Direction {
    /// `v→a` / `a→v`, or `v->a` / `a->v` in ASCII.
    func label(_ glyphs: GlyphSet) -> String {
        glyphs == .ascii ? (self == .videoToAudio ? "v->a" : "a->v") : rawValue
    }
}
