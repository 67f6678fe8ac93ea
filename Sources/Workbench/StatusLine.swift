import Foundation

/// The bottom row: where the cursor is (frame, time, window, bookmark note), and a message, the
/// note being typed, or the key hints.
enum StatusLine {
    static func draw(_ canvas: inout Canvas, layout: Layout, state: WorkbenchState) {
        let y = layout.status.y
        let width = layout.status.width
        let glyphs = state.display.glyphs
        canvas.fill(layout.status, with: Cell(" ", Style(attributes: .reverse)))
        if let prompt = state.prompt {
            let text = "note for frame \(prompt.frame): \(prompt.text)_"
            let hint = "  Enter save, Esc cancel"
            canvas.write(text.fitted(to: width - hint.count, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(attributes: [.reverse, .bold]))
            canvas.write(hint, x: width - hint.count, y: y, style: Style(attributes: .reverse))
            return
        }
        let window = state.currentWindow
        var left = String(format: " frame %d/%d %@ %.2f s %@ window %d/%d", state.cursor, state.frameCount,
                          glyphs == .ascii ? "," : "·", Double(state.cursor) / 25, glyphs == .ascii ? "," : "·",
                          window.index + 1, state.windowStarts.count)
        if let bookmark = state.bookmarks.first(where: { $0.frame == state.cursor }) {
            left += " \(glyphs.bookmark) " + (bookmark.note.isEmpty ? "bookmark" : bookmark.note)
        }
        let right: String
        let rightStyle: Style
        if let message = state.message {
            right = message.text
            rightStyle = Style(foreground: .role(message.kind == .error ? .error : message.kind == .warning ? .warning : .accent),
                               attributes: [.reverse, .bold])
        } else {
            right = "? help  q quit"
            rightStyle = Style(attributes: .reverse)
        }
        let rightText = right.fitted(to: max(0, width - left.count - 2), ellipsis: glyphs.ellipsis)
        canvas.write(left.fitted(to: width, ellipsis: glyphs.ellipsis), x: 0, y: y, style: Style(attributes: .reverse))
        canvas.write(rightText + " ", x: width - rightText.count - 1, y: y, style: rightStyle)
    }
}
