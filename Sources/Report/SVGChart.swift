import Forensics
import Foundation

/// Inline SVG plots for the HTML report (no scripts, no external references).
enum SVGChart {
    static let width = 720.0
    static let left = 44.0, right = 12.0, top = 14.0, bottom = 26.0

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A per-frame series in 0…1 over the clip, flagged segments shaded, a dashed threshold line.
    /// `values: (T)`; NaN values leave gaps.
    static func timeline(title: String, values: [Float], segments: [SegmentFinder.Segment], colour: String,
                         threshold: Float? = nil, height: Double = 110) -> String {
        let t = max(values.count, 1)
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ frame: Double) -> Double { left + plotW * frame / Double(t) }
        func y(_ v: Double) -> Double { top + plotH * (1 - v) }
        var svg = header(height: height, title: title)
        for s in segments {
            svg += "<rect x=\"\(number(x(Double(s.startFrame))))\" y=\"\(number(top))\" width=\"\(number(max(1, x(Double(s.endFrame)) - x(Double(s.startFrame)))))\" height=\"\(number(plotH))\" fill=\"\(s.kind == .sync ? "#f4c7c3" : "#f9e0b3")\"/>"
        }
        svg += axes(height: height, seconds: Double(t) / 25, yLabels: [(0, "0"), (0.5, "0.5"), (1, "1")])
        if let threshold {
            svg += "<line x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(number(y(Double(threshold))))\" y2=\"\(number(y(Double(threshold))))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
        }
        var path = ""
        var pen = false
        for (i, v) in values.enumerated() {
            guard v.isFinite else { pen = false; continue }
            path += (pen ? "L" : "M") + number(x(Double(i) + 0.5)) + " " + number(y(Double(min(max(v, 0), 1)))) + " "
            pen = true
        }
        svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\"/>"
        return svg + "</svg>"
    }

    /// Offset over time (frames, positive = audio leads), ±`range`.
    static func drift(_ points: [DriftCurve.Point], frames: Int, range: Int = 15, height: Double = 120) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        let t = Double(max(frames, 1))
        func x(_ seconds: Double) -> Double { left + plotW * seconds * 25 / t }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v + Double(range)) / Double(2 * range)) }
        var svg = header(height: height, title: "Drift: offset over time")
        svg += axes(height: height, seconds: t / 25, yLabels: [(0, "−\(range)"), (0.5, "0"), (1, "+\(range)")])
        svg += "<line x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(number(y(0)))\" y2=\"\(number(y(0)))\" stroke=\"#bbb\"/>"
        let path = points.enumerated().map { ($0.offset == 0 ? "M" : "L") + number(x($0.element.centerSeconds)) + " " + number(y(Double($0.element.offsetFrames))) }
            .joined(separator: " ")
        svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#5b3fa8\" stroke-width=\"1.6\"/>"
        for p in points { svg += "<circle cx=\"\(number(x(p.centerSeconds)))\" cy=\"\(number(y(Double(p.offsetFrames))))\" r=\"2\" fill=\"#5b3fa8\"/>" }
        return svg + "</svg>"
    }

    /// The offset search: mean embedding distance per shift, the best shift marked.
    static func offsetCurve(_ result: OffsetSearch.Result, height: Double = 130) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        let lo = Double(result.shifts.first ?? -15), hi = Double(result.shifts.last ?? 15)
        let dMin = Double(result.meanDistances.min() ?? 0), dMax = Double(result.meanDistances.max() ?? 1)
        let span = max(dMax - dMin, 1e-6)
        func x(_ s: Double) -> Double { left + plotW * (s - lo) / max(hi - lo, 1) }
        func y(_ d: Double) -> Double { top + plotH * (1 - (d - dMin) / span) }
        var svg = header(height: height, title: "Offset search: mean distance per shift (frames; + = audio leads)")
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(height - bottom))\" x2=\"\(number(width - right))\" y2=\"\(number(height - bottom))\" stroke=\"#444\"/>"
        for s in stride(from: Int(lo), through: Int(hi), by: 5) {
            svg += "<text x=\"\(number(x(Double(s))))\" y=\"\(number(height - 8))\" font-size=\"10\" text-anchor=\"middle\">\(s > 0 ? "+" : "")\(s)</text>"
        }
        let path = zip(result.shifts, result.meanDistances).enumerated().map {
            ($0.offset == 0 ? "M" : "L") + number(x(Double($0.element.0))) + " " + number(y(Double($0.element.1)))
        }.joined(separator: " ")
        svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#1f6f8b\" stroke-width=\"1.6\"/>"
        svg += "<line x1=\"\(number(x(Double(result.offsetFrames))))\" x2=\"\(number(x(Double(result.offsetFrames))))\" y1=\"\(number(top))\" y2=\"\(number(height - bottom))\" stroke=\"#c0392b\" stroke-dasharray=\"3 2\"/>"
        svg += "<text x=\"\(number(x(Double(result.offsetFrames)) + 4))\" y=\"\(number(top + 10))\" font-size=\"10\" fill=\"#c0392b\">best \(result.offsetFrames > 0 ? "+" : "")\(result.offsetFrames)</text>"
        return svg + "</svg>"
    }

    /// An attention map `(T, T)` (rows = video query frames, columns = audio key frames), the
    /// diagonal (perfect sync) dashed.
    static func heatmap(title: String, matrix: [Float], size t: Int, cell: Double = 7) -> String {
        let side = Double(t) * cell
        let height = side + 40, w = side + 60
        var svg = "<svg width=\"\(number(w))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(w)) \(number(height))\" role=\"img\"><title>\(escape(title))</title>"
        let peak = max(matrix.max() ?? 1, 1e-6)
        for r in 0..<t {
            for c in 0..<t {
                let v = Double(matrix[r * t + c] / peak)
                let shade = Int(255 - 215 * min(max(v, 0), 1))
                svg += "<rect x=\"\(number(40 + Double(c) * cell))\" y=\"\(number(Double(r) * cell))\" width=\"\(number(cell))\" height=\"\(number(cell))\" fill=\"rgb(\(shade),\(shade),255)\"/>"
            }
        }
        svg += "<line x1=\"40\" y1=\"0\" x2=\"\(number(40 + side))\" y2=\"\(number(side))\" stroke=\"#c0392b\" stroke-dasharray=\"3 3\"/>"
        svg += "<text x=\"\(number(40 + side / 2))\" y=\"\(number(side + 16))\" font-size=\"10\" text-anchor=\"middle\">audio frame (key)</text>"
        svg += "<text x=\"10\" y=\"\(number(side / 2))\" font-size=\"10\" transform=\"rotate(-90 10 \(number(side / 2)))\" text-anchor=\"middle\">video frame (query)</text>"
        return svg + "</svg>"
    }

    private static func header(height: Double, title: String) -> String {
        "<svg width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\"><title>\(escape(title))</title>"
            + "<text x=\"\(number(left))\" y=\"10\" font-size=\"11\" font-weight=\"bold\">\(escape(title))</text>"
    }

    private static func axes(height: Double, seconds: Double, yLabels: [(Double, String)]) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(plotW))\" height=\"\(number(plotH))\" fill=\"none\" stroke=\"#444\"/>"
        let step = seconds > 120 ? 30.0 : seconds > 30 ? 10 : seconds > 8 ? 2 : 0.5
        var s = 0.0
        while s <= seconds + 1e-9 {
            let x = left + plotW * s / max(seconds, 1e-9)
            svg += "<text x=\"\(number(x))\" y=\"\(number(height - 8))\" font-size=\"10\" text-anchor=\"middle\">\(String(format: step < 1 ? "%.1f" : "%.0f", s)) s</text>"
            s += step
        }
        for (fraction, label) in yLabels {
            svg += "<text x=\"\(number(left - 4))\" y=\"\(number(top + plotH * (1 - fraction) + 3))\" font-size=\"10\" text-anchor=\"end\">\(escape(label))</text>"
        }
        return svg
    }
}
