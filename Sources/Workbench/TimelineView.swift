import Forensics
import Foundation

/// The timelines over the clip on one time axis with the cursor: sync, artifact, gate, drift (graphs),
/// voice activity, flagged segments (bands) and the time axis with seconds, bookmarks and the cursor.
enum TimelineView {
    /// The four graph timelines.
    enum Graph: CaseIterable {
        case sync, artifact, gate, drift

        var label: String {
            switch self {
            case .sync: "sync"
            case .artifact: "artifact"
            case .gate: "gate v/a"
            case .drift: "drift"
            }
        }
    }

    /// The most drift the graph shows either way, in frames.
    static let driftRange: Float = 15

    static func draw(_ canvas: inout Canvas, layout: Layout, state: WorkbenchState) {
        let plot = layout.plot
        let axis = TimeAxis(visible: state.visibleFrames, columns: plot.width)
        let glyphs = state.display.glyphs
        let g = layout.graphRows
        let y0 = layout.timelines.y
        let series = Series(state: state)
        let valueX = plot.maxX + 1
        let muted = Style.role(.muted, .dim)

        for (i, graph) in Graph.allCases.enumerated() {
            let top = y0 + i * g
            canvas.write(graph.label, x: 0, y: top, style: .role(.title), maxWidth: Layout.labelWidth - 1)
            let values = series.values(graph)
            if let values {
                drawGraph(&canvas, graph: graph, values: values, axis: axis, rect: Rect(x: plot.x, y: top, width: plot.width, height: g), glyphs: glyphs)
            }
            canvas.write(values.flatMap { valueText(graph, $0, frame: state.cursor) } ?? (glyphs == .ascii ? "-" : "–"), x: valueX, y: top, style: muted, maxWidth: Layout.valueWidth)
        }

        // Voice activity.
        let voiceY = y0 + 4 * g
        canvas.write("voice", x: 0, y: voiceY, style: .role(.title))
        if let speech = series.speech {
            for c in 0..<plot.width {
                let voiced = axis.frames(atColumn: c).contains { $0 < speech.count && speech[$0] }
                canvas.set(x: plot.x + c, y: voiceY, voiced ? Cell(glyphs.speech, .role(.speech)) : Cell(glyphs.silence, muted))
            }
            let voiced = state.cursor < speech.count && speech[state.cursor]
            canvas.write(voiced ? "speech" : "silent", x: valueX, y: voiceY, style: muted, maxWidth: Layout.valueWidth)
        }

        // Flagged segments as bands, labelled where they fit.
        let bandY = voiceY + 1
        canvas.write("flagged", x: 0, y: bandY, style: .role(.title))
        let segments = state.analysis?.segments ?? []
        for segment in segments {
            let style = Style.role(segment.kind == .artifact ? .artifact : .flagged)
            var first: Int?
            for c in 0..<plot.width where axis.frames(atColumn: c).overlaps(segment.startFrame..<segment.endFrame) {
                if first == nil { first = c }
                canvas.set(x: plot.x + c, y: bandY, Cell(glyphs.band, style))
            }
            if let first {
                let label = "\(segment.kind.rawValue) \(String(format: "%.2f", segment.score))"
                let last = (0..<plot.width).last { axis.frames(atColumn: $0).overlaps(segment.startFrame..<segment.endFrame) } ?? first
                if last - first + 1 >= label.count + 2 {
                    // Spaces keep the band showing through, so the band stays one unbroken run.
                    for (i, character) in label.enumerated() where character != " " {
                        canvas.set(x: plot.x + first + 1 + i, y: bandY, Cell(character, style.adding(.bold)))
                    }
                }
            }
        }
        if state.analysis != nil {
            let here = segments.first { ($0.startFrame..<$0.endFrame).contains(state.cursor) }
            canvas.write(here.map { "\($0.kind.rawValue) \(String(format: "%.2f", $0.score))" } ?? "none", x: valueX, y: bandY,
                         style: here == nil ? muted : .role(.flagged, .bold), maxWidth: Layout.valueWidth)
        }

        // Time axis with seconds, bookmarks and the cursor.
        let axisY = bandY + 1
        canvas.write("time", x: 0, y: axisY, style: .role(.title))
        for c in 0..<plot.width { canvas.set(x: plot.x + c, y: axisY, Cell(glyphs.horizontal, muted)) }
        let step = tickStep(axis: axis)
        let cursorColumn = axis.column(of: state.cursor)
        var labelEnd = plot.x - 1
        for second in stride(from: (axis.visible.lowerBound + 24) / 25 / step * step, through: axis.visible.upperBound / 25, by: step) {
            guard let c = axis.column(of: second * 25) else { continue }
            canvas.set(x: plot.x + c, y: axisY, Cell(glyphs.tick, muted))
            let label = "\(second)s"
            let covered = (c + 1)..<(c + 1 + label.count)
            if plot.x + c + 1 > labelEnd, covered.upperBound <= plot.width, !covered.contains(cursorColumn ?? -1) {
                canvas.write(label, x: plot.x + c + 1, y: axisY, style: muted)
                labelEnd = plot.x + c + 1 + label.count
            }
        }
        for bookmark in state.bookmarks {
            if let c = axis.column(of: bookmark.frame) { canvas.set(x: plot.x + c, y: axisY, Cell(glyphs.bookmark, .role(.bookmark, .bold))) }
        }
        if let c = cursorColumn {
            canvas.set(x: plot.x + c, y: axisY, Cell(glyphs.cursorMark, .role(.cursor, .bold)))
            // The cursor's column stands out on every timeline row.
            for y in layout.timelines.y..<axisY {
                canvas.restyle(x: plot.x + c, y: y) { style in
                    if state.display.colors == .none { style.attributes.insert(.underline) } else { style.background = .role(.border) }
                }
            }
        }
        canvas.write(String(format: "%.2f s", Double(state.cursor) / 25), x: valueX, y: axisY, style: .role(.cursor), maxWidth: Layout.valueWidth)
        if axis.visible.count < state.frameCount {
            canvas.write((glyphs == .ascii ? "x" : "×") + "\(state.frameCount / max(axis.visible.count, 1))", x: 5, y: axisY, style: muted, maxWidth: Layout.labelWidth - 5)
        }
    }

    /// Seconds between ticks so that labels have room (about every 6 columns at least).
    static func tickStep(axis: TimeAxis) -> Int {
        let columnsPerSecond = Double(axis.columns) * 25 / Double(max(axis.visible.count, 1))
        return [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].first { Double($0) * columnsPerSecond >= 6 } ?? 3600
    }

    static func valueText(_ graph: Graph, _ values: [Float], frame: Int) -> String? {
        guard frame < values.count, values[frame].isFinite else { return nil }
        let v = values[frame]
        switch graph {
        case .sync, .artifact: return String(format: "%.2f", v)
        case .gate: return String(format: "v %.2f", v)
        case .drift: return String(format: "%+d fr", Int(v.rounded()))
        }
    }

    /// Draws one graph: a sparkline on one row, a dot graph on several.
    static func drawGraph(_ canvas: inout Canvas, graph: Graph, values: [Float], axis: TimeAxis, rect: Rect, glyphs: GlyphSet) {
        func style(_ v: Float) -> Style {
            switch graph {
            case .sync: .role(v >= 0.5 ? .inSync : .offSync)
            case .artifact: .role(.artifact)
            case .gate: .role(.gate)
            case .drift: .role(v.rounded() == 0 ? .muted : .drift)
            }
        }
        if rect.height == 1 {
            let ramp = glyphs.sparkRamp
            for c in 0..<rect.width {
                guard let v = mean(values, axis.frames(atColumn: c)) else { continue }
                let character: Character
                if graph == .drift {
                    let offset = v.rounded()
                    character = offset == 0 ? glyphs.horizontal : offset > 0 ? (glyphs == .ascii ? "^" : "▀") : (glyphs == .ascii ? "v" : "▄")
                } else {
                    character = ramp[max(1, min(ramp.count - 1, Int((v * Float(ramp.count - 1)).rounded())))]
                }
                canvas.set(x: rect.x + c, y: rect.y, Cell(character, style(v)))
            }
            return
        }
        var grid = DotGrid(columns: rect.width, rows: rect.height, glyphs: glyphs)
        let fine = TimeAxis(visible: axis.visible, columns: grid.width)
        var columnValue = [Float?](repeating: nil, count: rect.width)
        for x in 0..<grid.width {
            guard let v = mean(values, fine.frames(atColumn: x)) else { continue }
            if graph == .drift {
                // Signed: from the middle line up (audio leads) or down (audio lags).
                let middle = grid.height / 2
                let level = middle + Int((v / driftRange * Float(grid.height) / 2).rounded())
                grid.fillColumn(x, from: min(middle, level), to: max(middle + 1, level + 1))
            } else {
                grid.fillColumn(x, from: 0, to: max(1, Int((min(max(v, 0), 1) * Float(grid.height)).rounded())))
            }
            let c = x / grid.dotsAcross
            // A cell's colour follows its worst sync, or its most extreme value.
            if let old = columnValue[c] {
                columnValue[c] = graph == .sync ? min(old, v) : (abs(v) > abs(old) ? v : old)
            } else {
                columnValue[c] = v
            }
        }
        for c in 0..<rect.width {
            for r in 0..<rect.height {
                let ch = grid.character(column: c, row: r)
                guard ch != " ", ch != GlyphSet.braille(0) else { continue }
                canvas.set(x: rect.x + c, y: rect.y + r, Cell(ch, style(columnValue[c] ?? 0)))
            }
        }
    }

    /// The mean of the finite values over `frames`, or nil.
    static func mean(_ values: [Float], _ frames: Range<Int>) -> Float? {
        var sum: Float = 0, n = 0
        for f in frames where f < values.count && values[f].isFinite { sum += values[f]; n += 1 }
        return n == 0 ? nil : sum / Float(n)
    }

    /// The per-frame series of an analysis, `(T)` each.
    struct Series {
        var sync: [Float]?, artifact: [Float]?, gate: [Float]?, drift: [Float]?
        var speech: [Bool]?

        init(state: WorkbenchState) {
            guard let a = state.analysis else { return }
            sync = a.timelines.sync
            artifact = a.timelines.artifact
            gate = a.timelines.gate
            speech = a.speech ?? a.explanations?.speech
            drift = a.drift.isEmpty ? nil : Self.driftPerFrame(a.drift, frames: a.clip.frames)
        }

        func values(_ graph: Graph) -> [Float]? {
            switch graph {
            case .sync: sync
            case .artifact: artifact
            case .gate: gate
            case .drift: drift
            }
        }

        /// `(T)` local offset: each frame takes the drift window whose centre is nearest (NaN outside all windows).
        static func driftPerFrame(_ points: [DriftCurve.Point], frames: Int) -> [Float] {
            (0..<frames).map { f in
                let covering = points.filter { $0.start <= f && f < $0.end }
                guard let nearest = covering.min(by: { abs($0.start + $0.end - 2 * f) < abs($1.start + $1.end - 2 * f) }) else { return .nan }
                return Float(nearest.offsetFrames)
            }
        }
    }
}
