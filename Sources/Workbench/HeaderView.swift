import Forensics
import Foundation

/// The header: file, duration, verdict (probability, threshold, uncertain flag), AV offset with its
/// sign spelled out, weights and preset; a progress bar while the analysis runs.
enum HeaderView {
    static func draw(_ canvas: inout Canvas, layout: Layout, state: WorkbenchState) {
        let glyphs = state.display.glyphs
        let width = layout.header.width
        let separator = " \(glyphs.vertical) "
        let name = (state.file as NSString).lastPathComponent
        let duration = String(format: "%.2f s · %d fr", Double(state.frameCount) / 25, state.frameCount)
            .replacingOccurrences(of: "·", with: glyphs == .ascii ? "," : "·")

        // Row 0: product, file, duration, verdict (the verdict is never cut).
        let verdict = verdictSpans(state)
        let verdictWidth = verdict.reduce(0) { $0 + $1.0.count }
        var x = canvas.write("SyncDefense", x: 0, y: 0, style: .role(.accent, .bold))
        x += canvas.write(separator, x: x, y: 0, style: .role(.muted, .dim))
        let room = max(8, width - x - verdictWidth - duration.count - 2 * separator.count)
        x += canvas.write(name.fitted(to: room, ellipsis: glyphs.ellipsis), x: x, y: 0, style: Style(attributes: .bold))
        x += canvas.write(separator + duration + separator, x: x, y: 0, style: .role(.muted, .dim))
        for (text, style) in verdict { x += canvas.write(text, x: x, y: 0, style: style) }

        // Row 1: offset (or progress), weights.
        var line: [(String, Style)] = []
        switch state.phase {
        case .analysing(let done, let total):
            let barWidth = min(30, max(10, width / 4))
            let filled = min(barWidth, barWidth * done / max(total, 1))
            line.append(("analysing ", .role(.progress, .bold)))
            line.append((String(repeating: glyphs.full, count: filled), .role(.progress)))
            line.append((String(repeating: glyphs.empty, count: barWidth - filled), .role(.muted, .dim)))
            line.append((" \(done)/\(total) frames", .role(.progress)))
        case .failed(let reason):
            line.append(("analysis failed: \(reason)", .role(.error, .bold)))
        case .finished:
            line.append((offsetText(state.analysis?.offset, glyphs: glyphs), .role(state.analysis?.offset?.offsetFrames ?? 0 == 0 ? .inSync : .drift)))
        }
        let weights = weightsText(state)
        let used = line.reduce(0) { $0 + $1.0.count }
        x = 0
        for (text, style) in line { x += canvas.write(text, x: x, y: 1, style: style, maxWidth: width - x) }
        if used + separator.count + 12 <= width {
            x += canvas.write(separator, x: x, y: 1, style: .role(.muted, .dim))
            canvas.write(weights.fitted(to: width - x, ellipsis: glyphs.ellipsis), x: x, y: 1, style: .role(.muted, .dim))
        }

        // Row 2 (detailed): the model-free cue, windows and hashes.
        if layout.header.height >= 3, let a = state.analysis {
            var parts: [String] = []
            if let cue = a.modelFreeCue {
                parts.append(String(format: "model-free cue: shift %+d fr, r %.2f", cue.bestShiftFrames, cue.correlation))
            }
            parts.append("windows \(a.verdict.aggregation.votingWindows)/\(a.verdict.aggregation.totalWindows) voting")
            if let sha = a.provenance.inputSHA256 { parts.append("input \(sha.prefix(12))") }
            parts.append("v\(a.provenance.version)")
            canvas.write(parts.joined(separator: separator).fitted(to: width, ellipsis: glyphs.ellipsis), x: 0, y: 2, style: .role(.muted, .dim))
        }
    }

    /// The verdict as styled spans: `FAKE p 0.973 (≥ 0.50)` and `UNCERTAIN` when within the margin.
    static func verdictSpans(_ state: WorkbenchState) -> [(String, Style)] {
        switch state.phase {
        case .analysing: return [("verdict pending", .role(.muted, .dim))]
        case .failed: return [("no verdict", .role(.error, .bold))]
        case .finished: break
        }
        guard let v = state.analysis?.verdict else { return [] }
        guard let p = v.manipulationProbability else { return [("NO SPEECH", .role(.warning, .bold)), (" nothing to judge", .role(.muted))] }
        let ge = state.display.glyphs == .ascii ? ">=" : "≥"
        var spans: [(String, Style)] = [
            (v.isFake ? "FAKE" : "REAL", .role(v.isFake ? .offSync : .inSync, [.bold, .reverse])),
            (String(format: " p %.3f", p), .role(v.isFake ? .offSync : .inSync, .bold)),
            (String(format: " (fake %@ %.2f)", ge, v.threshold), .role(.muted, .dim)),
        ]
        if v.uncertain { spans.append((" UNCERTAIN", .role(.warning, .bold))) }
        return spans
    }

    /// `AV offset +3 fr (+120 ms, audio leads video)`.
    static func offsetText(_ offset: OffsetSearch.Result?, glyphs: GlyphSet) -> String {
        guard let o = offset else { return "AV offset unknown" }
        if o.offsetFrames == 0 { return String(format: "AV offset 0 fr (0 ms, in sync), confidence %.2f", o.confidence) }
        return String(format: "AV offset %+d fr (%+.0f ms, audio %@ video), confidence %.2f", o.offsetFrames, o.offsetMilliseconds,
                      o.offsetFrames > 0 ? "leads" : "lags", o.confidence)
    }

    static func weightsText(_ state: WorkbenchState) -> String {
        var text = "weights"
        if let preset = state.analysis?.provenance.preset ?? state.preset { text += " " + preset }
        if let file = state.weightsFile { text += " " + (file as NSString).lastPathComponent }
        if let sha = state.analysis?.provenance.weightsSHA256 { text += " " + sha.prefix(8) }
        return text
    }
}
