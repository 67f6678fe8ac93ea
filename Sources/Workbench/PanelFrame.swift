/// The title row, footer row and content area shared by the mouth, attention and log-mel panels.
struct PanelFrame {
    let outer: Rect

    var content: Rect { Rect(x: outer.x, y: outer.y + 1, width: outer.width, height: outer.height - 2) }
    var footerY: Int { outer.maxY - 1 }

    /// Draws the title (cut to the panel's width).
    func drawTitle(_ title: String, into canvas: inout Canvas, glyphs: GlyphSet) {
        canvas.write(title.fitted(to: outer.width, ellipsis: glyphs.ellipsis), x: outer.x, y: outer.y, style: .role(.title, .bold))
    }

    func drawFooter(_ text: String, into canvas: inout Canvas, glyphs: GlyphSet, style: Style = .role(.muted, .dim)) {
        canvas.write(text.fitted(to: outer.width, ellipsis: glyphs.ellipsis), x: outer.x, y: footerY, style: style)
    }

    /// A line of text centred in the content area (waiting and error notes).
    func drawNote(_ text: String, into canvas: inout Canvas, glyphs: GlyphSet, style: Style = .role(.muted, .dim)) {
        let fitted = text.fitted(to: content.width, ellipsis: glyphs.ellipsis)
        canvas.write(fitted, x: content.x + (content.width - fitted.count) / 2, y: content.y + content.height / 2, style: style)
    }
}
