import Foundation

/// The mouth crop of the cursor's frame, two pixels per cell with `▀` (foreground = upper pixel,
/// background = lower), with the artifact branch's spatial map as a toggleable tint. Without colour
/// the crop is drawn in shades of luminance and the overlay in reverse video.
enum MouthView {
    /// Widest drawing in columns (the compact preset's crops are 48 pixels wide).
    static let maximumWidth = 48

    static func preferredWidth(contentRows: Int) -> Int { min(2 * contentRows, maximumWidth) }

    /// The overlay's tint (magenta: the artifact role's hue).
    static let tint: (Float, Float, Float) = (255, 40, 210)

    static func draw(_ canvas: inout Canvas, frame: PanelFrame, state: WorkbenchState) {
        let glyphs = state.display.glyphs
        frame.drawTitle("mouth f\(state.cursor)", into: &canvas, glyphs: glyphs)
        let artifactValue = state.analysis?.timelines.artifact.flatMap { state.cursor < $0.count ? $0[state.cursor] : nil }
        let overlayText = "o:" + (state.showsArtifactOverlay ? "on" : "off")
        frame.drawFooter((artifactValue.map { String(format: "artifact %.2f ", $0) } ?? "") + overlayText, into: &canvas, glyphs: glyphs)
        guard let media = state.media, media.frames.contains(state.cursor) else {
            frame.drawNote("decoding" + String(glyphs.ellipsis), into: &canvas, glyphs: glyphs)
            return
        }
        let content = frame.content
        let halfBlocks = glyphs.hasHalfBlocks && state.display.colors != .none
        // Pixel grid drawn: `side` × `side` (square), two pixel rows per cell with half blocks.
        // Without half blocks a cell is one pixel across and two down (cells are about twice as tall as wide).
        let side = min(content.width, 2 * content.height, maximumWidth)
        let pixelRows = side, pixelColumns = side
        let cellRows = side / 2
        let overlay = state.showsArtifactOverlay ? ArtifactOverlay(state: state) : nil
        let x0 = content.x + (content.width - pixelColumns) / 2

        /// Box-averaged RGB of drawn pixel (`px`, `py`) on a `columns × rows` grid, and the overlay there.
        func sample(_ px: Int, _ py: Int, columns: Int, rows: Int) -> (Float, Float, Float, Float) {
            let ys = (py * media.cropHeight / rows)..<max(py * media.cropHeight / rows + 1, (py + 1) * media.cropHeight / rows)
            let xs = (px * media.cropWidth / columns)..<max(px * media.cropWidth / columns + 1, (px + 1) * media.cropWidth / columns)
            var r: Float = 0, g: Float = 0, b: Float = 0, n: Float = 0
            for y in ys { for x in xs { if let p = media.pixel(frame: state.cursor, x: x, y: y) { r += Float(p.0); g += Float(p.1); b += Float(p.2); n += 1 } } }
            n = max(n, 1)
            let a = overlay?.activation(x: (Float(px) + 0.5) / Float(columns), y: (Float(py) + 0.5) / Float(rows)) ?? 0
            return (r / n, g / n, b / n, a)
        }
        func tinted(_ p: (Float, Float, Float, Float)) -> Ink {
            let w = max(0, (p.3 - 0.5) * 2) * 0.8
            func mix(_ v: Float, _ t: Float) -> UInt8 { UInt8(max(0, min(255, v * (1 - w) + t * w))) }
            return .rgb(mix(p.0, tint.0), mix(p.1, tint.1), mix(p.2, tint.2))
        }

        for cy in 0..<cellRows {
            for cx in 0..<pixelColumns {
                let cell: Cell
                if halfBlocks {
                    let upper = sample(cx, 2 * cy, columns: pixelColumns, rows: pixelRows)
                    let lower = sample(cx, 2 * cy + 1, columns: pixelColumns, rows: pixelRows)
                    cell = Cell(glyphs.upperHalf, Style(foreground: tinted(upper), background: tinted(lower)))
                } else {
                    let p = sample(cx, cy, columns: pixelColumns, rows: cellRows)
                    if state.display.colors == .none {
                        let luminance = (0.299 * p.0 + 0.587 * p.1 + 0.114 * p.2) / 255
                        let ramp = glyphs.shadeRamp
                        cell = Cell(ramp[min(ramp.count - 1, Int(luminance * Float(ramp.count - 1) + 0.5))],
                                    Style(attributes: p.3 > 0.5 ? .reverse : []))
                    } else {
                        cell = Cell(" ", Style(background: tinted(p)))
                    }
                }
                canvas.set(x: x0 + cx, y: content.y + cy, cell)
            }
        }
    }
}

/// The artifact branch's spatial map of the cursor's frame: `(h, w)` logits → probabilities.
struct ArtifactOverlay {
    let height: Int, width: Int
    let probabilities: [Float]

    init?(state: WorkbenchState) {
        guard let e = state.analysis?.explanations, e.artifactMapHeight > 0, e.artifactMapWidth > 0 else { return nil }
        let size = e.artifactMapHeight * e.artifactMapWidth
        let base = state.cursor * size
        guard base + size <= e.artifactMaps.count else { return nil }
        height = e.artifactMapHeight
        width = e.artifactMapWidth
        probabilities = e.artifactMaps[base..<(base + size)].map { $0.isFinite ? 1 / (1 + exp(-$0)) : 0 }
    }

    /// The probability at relative position (`x`, `y`) in 0…1.
    func activation(x: Float, y: Float) -> Float {
        let row = min(height - 1, max(0, Int(y * Float(height))))
        let column = min(width - 1, max(0, Int(x * Float(width))))
        return probabilities[row * width + column]
    }
}
