import Forensics
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
        let tracked = state.analysis?.mouth.flatMap { $0.mode == .tracked ? $0 : nil }
        let followed = tracked?.faces.filter(\.followed).map { String($0.id) }.joined(separator: ",")
        frame.drawTitle("mouth f\(state.cursor)" + (followed.map { " \(glyphs == .ascii ? "," : "·") face \($0)" } ?? ""), into: &canvas, glyphs: glyphs)
        let artifactValue = state.analysis?.timelines.artifact.flatMap { state.cursor < $0.count ? $0[state.cursor] : nil }
        let overlayText = "o:" + (state.showsArtifactOverlay ? "on" : "off")
        frame.drawFooter((artifactValue.map { String(format: "artifact %.2f ", $0) } ?? "") + overlayText, into: &canvas, glyphs: glyphs)
        guard let media = state.media, media.frames.contains(state.cursor) else {
            frame.drawNote("decoding" + String(glyphs.ellipsis), into: &canvas, glyphs: glyphs)
            return
        }
        var content = frame.content
        if let tracked {
            // The whole frame in miniature below the crop, with the faces and the mouth region.
            let mapRows = FrameMapView.rows(forWidth: content.width, frameWidth: tracked.frameWidth, frameHeight: tracked.frameHeight)
            if content.height - mapRows >= 6 {
                let map = Rect(x: content.x, y: content.maxY - mapRows, width: content.width, height: mapRows)
                FrameMapView.draw(&canvas, in: map, location: tracked, frame: state.cursor, glyphs: glyphs)
                content = Rect(x: content.x, y: content.y, width: content.width, height: content.height - mapRows - 1)
            }
        }
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

/// The displayed frame in miniature (a cell ≈ two pixels tall per pixel wide on screen, so rows are
/// halved): the frame's outline, every tracked face's usual box, and the mouth region the analysis
/// cropped at the cursor's frame — so an analyst sees which face and where the crop came from.
enum FrameMapView {
    static func rows(forWidth width: Int, frameWidth: Int, frameHeight: Int) -> Int {
        max(3, Int((Double(width) * Double(frameHeight) / Double(max(1, frameWidth)) / 2).rounded()))
    }

    static func draw(_ canvas: inout Canvas, in area: Rect, location: MouthLocation, frame: Int, glyphs: GlyphSet) {
        guard area.width >= 4, area.height >= 3, location.frameWidth > 0, location.frameHeight > 0 else { return }
        let sx = Double(area.width) / Double(location.frameWidth), sy = Double(area.height) / Double(location.frameHeight)
        func cells(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> (Int, Int, Int, Int) {
            let x0 = area.x + min(area.width - 1, Int(Double(x) * sx)), y0 = area.y + min(area.height - 1, Int(Double(y) * sy))
            let x1 = area.x + min(area.width - 1, max(Int(Double(x) * sx), Int(Double(x + w) * sx) - 1))
            let y1 = area.y + min(area.height - 1, max(Int(Double(y) * sy), Int(Double(y + h) * sy) - 1))
            return (x0, y0, x1, y1)
        }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { canvas.set(x: x, y: y, Cell(glyphs.silence, .role(.border, .dim))) }
        }
        for face in location.faces where face.typicalBox.count == 4 && (face.firstFrame...face.lastFrame).contains(frame) {
            let (x0, y0, x1, y1) = cells(face.typicalBox[0], face.typicalBox[1], face.typicalBox[2], face.typicalBox[3])
            let style: Style = face.followed ? .role(.accent, .bold) : .role(.muted)
            for x in x0...x1 { canvas.set(x: x, y: y0, Cell(glyphs.horizontal, style)); canvas.set(x: x, y: y1, Cell(glyphs.horizontal, style)) }
            for y in y0...y1 { canvas.set(x: x0, y: y, Cell(glyphs.vertical, style)); canvas.set(x: x1, y: y, Cell(glyphs.vertical, style)) }
            let label = String(face.id)
            canvas.write(label, x: x0, y: y0, style: style)
        }
        if let region = location.regions?.region(at: frame) {
            let (x0, y0, x1, y1) = cells(region.x, region.y, region.width, region.height)
            for y in y0...y1 { for x in x0...x1 { canvas.set(x: x, y: y, Cell(glyphs.full, .role(.cursor))) } }
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
