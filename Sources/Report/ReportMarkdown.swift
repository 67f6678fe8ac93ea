import Forensics
import Foundation

/// `report.md`: the same content for tickets and case notes (key frames linked, not embedded).
enum ReportMarkdown {
    static func render(_ document: ReportDocument, keyFrames: [KeyFrames.KeyFrame], methodNote: String?) -> String {
        let a = document.analysis, r = document.report, c = r.custody
        var m = "# SyncDefense evidence report\n\n"
        m += "**\(ReportText.verdictLine(a))**\n\n"
        m += "| | |\n|---|---|\n"
        m += "| File | `\(c.inputPath)` |\n"
        m += "| Duration | \(String(format: "%.2f", a.clip.durationSeconds)) s, \(a.clip.frames) frames, \(a.clip.windows) windows\(a.clip.padded ? " (padded)" : "") |\n"
        m += "| AV offset | \(ReportText.offsetLine(a)) |\n"
        m += "| Mouth | \(ReportText.mouthLine(a)) |\n"
        if let cue = a.modelFreeCue {
            m += "| Model-free cue | best shift \(cue.bestShiftFrames > 0 ? "+" : "")\(cue.bestShiftFrames) frames, correlation \(String(format: "%.2f", cue.correlation)) |\n"
        }
        m += "\n## Flagged segments\n\n"
        m += a.segments.isEmpty ? "None.\n" : a.segments.map { "- " + ReportText.segmentLine($0, in: a) }.joined(separator: "\n") + "\n"
        if !a.verdict.windowProbabilities.isEmpty {
            m += "\n## Window probabilities\n\n| window | start (s) | probability | votes |\n|---|---|---|---|\n"
            for (i, p) in a.verdict.windowProbabilities.enumerated() {
                let start = i < (a.explanations?.attention.count ?? 0) ? Double(a.explanations!.attention[i].start) / 25 : Double(i * a.clip.hopFrames) / 25
                m += "| \(i) | \(String(format: "%.2f", start)) | \(String(format: "%.3f", p)) | \(a.verdict.windowVotes[i] ? "yes" : "no (little speech)") |\n"
            }
        }
        m += "\n## Key frames\n\n"
        m += keyFrames.isEmpty ? "None.\n" : keyFrames.map { "![frame \($0.frame)](\($0.name)) frame \($0.frame) (\(String(format: "%.2f", Double($0.frame) / 25)) s)" }.joined(separator: "\n\n") + "\n"
        m += "\n## Analyst's bookmarks\n\n"
        m += r.bookmarks.isEmpty ? "None.\n" : r.bookmarks.map { "- frame \($0.frame) (\(String(format: "%.2f", $0.seconds)) s): \($0.note)" }.joined(separator: "\n") + "\n"
        m += "\n## Method\n\n"
        for (title, text) in ReportText.method { m += "**\(title).** \(text)\n\n" }
        if let methodNote { m += "**The weights.** \(methodNote)\n\n" }
        m += "## Chain of custody\n\n| | |\n|---|---|\n"
        m += "| Input SHA-256 | `\(c.inputSHA256 ?? "—")` |\n| Weights | `\(c.weightsPath ?? "—")` |\n| Weights SHA-256 | `\(c.weightsSHA256 ?? "—")` |\n"
        m += "| Tool | \(c.toolVersion)\(c.toolCommit.map { " (commit \($0))" } ?? "") |\n| Command | `\(c.command.joined(separator: " "))` |\n"
        m += "| Analyst | \(c.analyst ?? "—") |\n| Created (UTC) | \(c.createdUTC) |\n\n"
        m += "Every file of this report is listed with its SHA-256 in `manifest.json`.\n"
        return m
    }
}
