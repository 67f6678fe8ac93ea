/// The workbench's drawing: a pure function from state and terminal size to a ``Canvas``.
public enum Renderer {
    /// Renders the whole screen.
    public static func render(_ state: WorkbenchState, size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        let layout = Layout(size: size)
        if layout.isTooSmall {
            drawTooSmall(&canvas, size: size, glyphs: state.display.glyphs)
            return canvas
        }
        HeaderView.draw(&canvas, layout: layout, state: state)
        TimelineView.draw(&canvas, layout: layout, state: state)
        let panels = panelFrames(layout: layout, state: state)
        let separator = Style.role(.border)
        for frame in [panels.mouth, panels.attention] {
            for y in frame.outer.y..<frame.outer.maxY { canvas.set(x: frame.outer.maxX, y: y, Cell(state.display.glyphs.vertical, separator)) }
        }
        MouthView.draw(&canvas, frame: panels.mouth, state: state)
        AttentionView.draw(&canvas, frame: panels.attention, state: state)
        MelView.draw(&canvas, frame: panels.mel, state: state)
        StatusLine.draw(&canvas, layout: layout, state: state)
        if state.showsHelp { HelpOverlay.draw(&canvas, state: state) }
        return canvas
    }

    /// The three panels side by side: mouth | attention | log-mel (the log-mel takes what is left).
    static func panelFrames(layout: Layout, state: WorkbenchState) -> (mouth: PanelFrame, attention: PanelFrame, mel: PanelFrame) {
        let area = layout.panels
        let contentRows = area.height - 2
        let mouthWidth = MouthView.preferredWidth(contentRows: contentRows)
        let attentionWidth = AttentionView.preferredWidth(contentRows: contentRows, windowFrames: state.windowFrames)
        let mouth = Rect(x: area.x, y: area.y, width: mouthWidth, height: area.height)
        let attention = Rect(x: mouth.maxX + 1, y: area.y, width: attentionWidth, height: area.height)
        let mel = Rect(x: attention.maxX + 1, y: area.y, width: area.maxX - attention.maxX - 1, height: area.height)
        return (PanelFrame(outer: mouth), PanelFrame(outer: attention), PanelFrame(outer: mel))
    }

    /// The frame under a screen cell of the timelines (for mouse clicks), or nil elsewhere.
    public static func frame(atX x: Int, y: Int, state: WorkbenchState, size: Size) -> Int? {
        let layout = Layout(size: size)
        guard !layout.isTooSmall, layout.plot.contains(x: x, y: y) else { return nil }
        let axis = TimeAxis(visible: state.visibleFrames, columns: layout.plot.width)
        return axis.frames(atColumn: x - layout.plot.x).lowerBound
    }

    static func drawTooSmall(_ canvas: inout Canvas, size: Size, glyphs: GlyphSet) {
        let times = glyphs == .ascii ? "x" : "×"
        let lines = [
            ("Terminal too small", Style.role(.warning, .bold)),
            ("\(size.width)\(times)\(size.height): the workbench needs at least \(Layout.minimum.width)\(times)\(Layout.minimum.height).", Style()),
            ("Enlarge the window, or press q to quit.", Style.role(.muted)),
        ]
        let wrapped = lines.flatMap { text, style in wrap(text, width: size.width).map { ($0, style) } }
        let top = max(0, (size.height - wrapped.count) / 2)
        for (i, (text, style)) in wrapped.enumerated() {
            canvas.write(text, x: max(0, (size.width - text.count) / 2), y: top + i, style: style)
        }
    }

    /// Words of `text` in lines of at most `width` columns (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word.prefix(width))
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word.prefix(width))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
