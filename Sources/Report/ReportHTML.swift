import Forensics
import Foundation

/// `report.html`: one self-contained, well-formed file (inline CSS and SVG, key frames as data URIs).
enum ReportHTML {
    static func render(_ document: ReportDocument, keyFrames: [KeyFrames.KeyFrame], methodNote: String?) -> String {
        let a = document.analysis
        let r = document.report
        let e = SVGChart.escape
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
        h += "<title>SyncDefense evidence report — \(e(URL(fileURLWithPath: r.custody.inputPath).lastPathComponent))</title>"
        h += "<style>body{font-family:sans-serif;max-width:820px;margin:2em auto;color:#222;line-height:1.45}"
        h += "h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
        h += "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
        h += ".verdict{padding:.8em 1em;border-radius:6px;font-weight:bold}.fake{background:#fbe3e1}.real{background:#e3f4e1}.none{background:#eee}"
        h += "code{font-size:.9em;word-break:break-all}figure{display:inline-block;margin:.5em}figcaption{font-size:.85em}</style></head><body>\n"
        h += "<h1>SyncDefense evidence report</h1>\n"
        let cls = a.verdict.status == .noSpeech ? "none" : a.isFake ? "fake" : "real"
        h += "<section id=\"verdict\"><div class=\"verdict \(cls)\">\(e(ReportText.verdictLine(a)))</div>"
        h += "<table><tr><th>File</th><td><code>\(e(r.custody.inputPath))</code></td></tr>"
        h += "<tr><th>Duration</th><td>\(String(format: "%.2f", a.clip.durationSeconds)) s, \(a.clip.frames) frames, \(a.clip.windows) windows\(a.clip.padded ? " (padded)" : "")</td></tr>"
        h += "<tr><th>AV offset</th><td>\(e(ReportText.offsetLine(a)))</td></tr>"
        h += "<tr><th>Mouth</th><td>\(e(ReportText.mouthLine(a)))</td></tr>"
        h += "<tr><th>Flagged segments</th><td>\(a.segments.isEmpty ? "none" : a.segments.map { e(ReportText.segmentLine($0, in: a)) }.joined(separator: "<br/>"))</td></tr>"
        if let cue = a.modelFreeCue {
            h += "<tr><th>Model-free cue</th><td>best shift \(cue.bestShiftFrames > 0 ? "+" : "")\(cue.bestShiftFrames) frames, correlation \(String(format: "%.2f", cue.correlation))</td></tr>"
        }
        h += "</table></section>\n"
        h += "<section id=\"timelines\"><h2>Timelines</h2>"
        h += "<p>Shaded bands are flagged segments (red: lip-sync evidence, amber: artifact evidence).</p>"
        if let sync = a.timelines.sync { h += SVGChart.timeline(title: "Sync score (1 = in sync)", values: sync, segments: a.segments, colour: "#1f6f8b", threshold: 0.5) }
        if let artifact = a.timelines.artifact { h += SVGChart.timeline(title: "Artifact activation", values: artifact, segments: a.segments, colour: "#d35400", threshold: 0.5) }
        if let gate = a.timelines.gate { h += SVGChart.timeline(title: "Gate (1 = relies on video, 0 = on audio)", values: gate, segments: a.segments, colour: "#27ae60") }
        if !a.drift.isEmpty { h += SVGChart.drift(a.drift, frames: a.clip.frames) }
        h += "</section>\n"
        if let offset = a.offset {
            h += "<section id=\"offset\"><h2>Offset search</h2>" + SVGChart.offsetCurve(offset) + "</section>\n"
        }
        if let index = r.attentionWindow, let attention = a.explanations?.attention.first(where: { $0.window == index }) {
            let t = attention.frames
            var mean = [Float](repeating: 0, count: t * t)
            for head in 0..<attention.heads { for i in 0..<(t * t) { mean[i] += attention.videoToAudio[head * t * t + i] / Float(attention.heads) } }
            h += "<section id=\"attention\"><h2>Cross-attention of the most suspicious window</h2>"
            h += "<p>Window \(index) (\(String(format: "%.2f–%.2f", Double(attention.start) / 25, Double(attention.start + t) / 25)) s), video → audio, mean over \(attention.heads) heads. The dashed line is perfect sync.</p>"
            h += SVGChart.heatmap(title: "Cross-attention, window \(index)", matrix: mean, size: t) + "</section>\n"
        }
        h += "<section id=\"keyframes\"><h2>Key frames</h2>"
        if keyFrames.isEmpty { h += "<p>No flagged segment, so no key frame.</p>" }
        for k in keyFrames {
            h += "<figure><img alt=\"frame \(k.frame)\" width=\"192\" src=\"data:image/png;base64,\(k.png.base64EncodedString())\"/>"
            h += "<figcaption>frame \(k.frame) (\(String(format: "%.2f", Double(k.frame) / 25)) s), \(k.segment.kind == .sync ? "lip-sync" : "artifact") segment</figcaption></figure>"
        }
        h += "</section>\n<section id=\"bookmarks\"><h2>Analyst's bookmarks</h2>"
        if r.bookmarks.isEmpty { h += "<p>None.</p>" } else {
            h += "<table><tr><th>Frame</th><th>Time</th><th>Note</th></tr>"
            for b in r.bookmarks { h += "<tr><td>\(b.frame)</td><td>\(String(format: "%.2f", b.seconds)) s</td><td>\(e(b.note))</td></tr>" }
            h += "</table>"
        }
        h += "</section>\n<section id=\"method\"><h2>Method</h2>"
        for (title, text) in ReportText.method { h += "<h3>\(e(title))</h3><p>\(e(text))</p>" }
        if let methodNote { h += "<h3>The weights</h3><p>\(e(methodNote))</p>" }
        h += "</section>\n<section id=\"custody\"><h2>Chain of custody</h2><table>"
        let c = r.custody
        let rows: [(String, String)] = [
            ("Input SHA-256", c.inputSHA256 ?? "—"), ("Weights", c.weightsPath ?? "—"), ("Weights SHA-256", c.weightsSHA256 ?? "—"),
            ("Preset", a.provenance.preset ?? "—"), ("Tool", c.toolVersion + (c.toolCommit.map { " (commit \($0))" } ?? "")),
            ("Command", c.command.joined(separator: " ")), ("Analyst", c.analyst ?? "—"), ("Created (UTC)", c.createdUTC),
            ("Parameters", a.provenance.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")),
        ]
        for (k, v) in rows { h += "<tr><th>\(e(k))</th><td><code>\(e(v))</code></td></tr>" }
        h += "</table><p>Every file of this report is listed with its SHA-256 in <code>manifest.json</code>; a changed file no longer matches.</p></section>\n"
        h += "</body></html>\n"
        return h
    }
}
