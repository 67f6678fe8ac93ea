/// The `?` screen, generated from ``KeyTable/bindings``: a box with the bindings by group in two columns.
enum HelpOverlay {
    static func draw(_ canvas: inout Canvas, state: WorkbenchState) {
        let glyphs = state.display.glyphs
        func keys(_ binding: KeyBinding) -> String {
            binding.keys.map { glyphs == .ascii ? $0.asciiLabel : $0.label }.joined(separator: " ")
        }
        let keyWidth = KeyTable.bindings.map { keys($0).count }.max() ?? 8
        func lines(_ groups: [KeyBinding.Group]) -> [(String, Style)] {
            groups.flatMap { group -> [(String, Style)] in
                [(group.rawValue, Style.role(.title, .bold))] + KeyTable.bindings.filter { $0.group == group }.map {
                    (keys($0).padded(to: keyWidth) + "  " + $0.help, Style())
                } + [("", Style())]
            }.dropLast()
        }
        // Two columns, balanced by line count.
        let left = lines([.move, .evidence]), right = lines([.view, .session])
        let columnWidth = max(left.map(\.0.count).max() ?? 0, right.map(\.0.count).max() ?? 0)
        let twoColumns = 2 * columnWidth + 7 <= canvas.width
        let body: [[(String, Style)]] = twoColumns ? [left, right] : [left + [("", Style())] + right]
        let innerWidth = twoColumns ? 2 * columnWidth + 3 : columnWidth
        let innerHeight = min(canvas.height - 4, (body.map(\.count).max() ?? 0) + 2)
        let box = Rect(x: (canvas.width - innerWidth - 4) / 2, y: max(0, (canvas.height - innerHeight - 2) / 2),
                       width: innerWidth + 4, height: innerHeight + 2)
        canvas.fill(box)
        let border = Style.role(.border)
        let c = glyphs.corners
        for x in box.x..<box.maxX {
            canvas.set(x: x, y: box.y, Cell(glyphs.horizontal, border))
            canvas.set(x: x, y: box.maxY - 1, Cell(glyphs.horizontal, border))
        }
        for y in box.y..<box.maxY {
            canvas.set(x: box.x, y: y, Cell(glyphs.vertical, border))
            canvas.set(x: box.maxX - 1, y: y, Cell(glyphs.vertical, border))
        }
        canvas.set(x: box.x, y: box.y, Cell(c.topLeft, border))
        canvas.set(x: box.maxX - 1, y: box.y, Cell(c.topRight, border))
        canvas.set(x: box.x, y: box.maxY - 1, Cell(c.bottomLeft, border))
        canvas.set(x: box.maxX - 1, y: box.maxY - 1, Cell(c.bottomRight, border))
        canvas.write(" Keys ", x: box.x + 2, y: box.y, style: .role(.title, .bold))
        for (i, column) in body.enumerated() {
            let x = box.x + 2 + i * (columnWidth + 3)
            for (row, (text, style)) in column.prefix(innerHeight - 2).enumerated() {
                canvas.write(text, x: x, y: box.y + 1 + row, style: style, maxWidth: columnWidth)
            }
        }
        let footer = "mouse: click a timeline to move the cursor; any key closes"
        canvas.write(footer.fitted(to: innerWidth, ellipsis: glyphs.ellipsis), x: box.x + 2, y: box.maxY - 2, style: .role(.muted, .dim))
    }
}
