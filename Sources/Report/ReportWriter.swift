import Forensics
import Foundation
import Media

/// Writes an evidence report folder — `report.json`, `report.html`, `report.md`,
/// `keyframes/*.png`, `manifest.json` — atomically: everything goes into a hidden temporary
/// folder beside the target, which is renamed into place only when complete, so an error or an
/// interruption never leaves a half report.
public enum ReportWriter {
    /// Writes the report of `analysis` (made with `keepExplanations`) of the file at `inputPath`.
    /// - Parameters:
    ///   - region: the mouth region the analysis used (key frames are cut from it).
    ///   - cropHeight, cropWidth: the model's crop size (key frames are 4× that).
    /// - Returns: the report folder.
    /// - Throws: `ReportError.exists` unless `options.force`; `ReportError.noExplanations`; media and I/O errors.
    @discardableResult
    public static func write(analysis: Analysis, inputPath: String, region: RegionOfInterest?, cropHeight: Int, cropWidth: Int,
                             options: ReportOptions, to folder: URL) throws -> URL {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.path) && !options.force { throw ReportError.exists(folder.path) }
        guard analysis.explanations != nil else { throw ReportError.noExplanations }
        let parent = folder.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let temporary = parent.appendingPathComponent(".\(folder.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: temporary.appendingPathComponent("keyframes"), withIntermediateDirectories: true)
        var committed = false
        defer { if !committed { try? fm.removeItem(at: temporary) } }

        let keyFrames = try KeyFrames.make(path: inputPath, analysis: analysis, region: region, cropHeight: cropHeight,
                                           cropWidth: cropWidth, maximum: options.maximumKeyFrames)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let custody = ReportDocument.Custody(
            inputPath: inputPath, inputSHA256: analysis.provenance.inputSHA256, weightsPath: options.weightsPath,
            weightsSHA256: analysis.provenance.weightsSHA256, toolVersion: options.toolVersion, toolCommit: options.toolCommit,
            command: options.command, analyst: options.analyst, createdUTC: formatter.string(from: options.date))
        let suspicious = analysis.verdict.windowProbabilities.indices.max { analysis.verdict.windowProbabilities[$0] < analysis.verdict.windowProbabilities[$1] }
        let document = ReportDocument(analysis: analysis, report: ReportDocument.Section(
            custody: custody, bookmarks: options.bookmarks.sorted { $0.frame < $1.frame },
            keyFrames: keyFrames.map { .init(file: $0.name, frame: $0.frame, seconds: Double($0.frame) / 25, evidence: $0.segment.kind.rawValue,
                                             segmentStart: $0.segment.start, segmentEnd: $0.segment.end) },
            attentionWindow: suspicious,
            segmentCropRegions: analysis.segments.map { segment in
                let region = analysis.mouth?.region(overFrames: segment.startFrame..<segment.endFrame) ?? region
                return .init(start: segment.start, end: segment.end, region: region.map { [$0.x, $0.y, $0.width, $0.height] })
            }))

        var files: [(String, Data)] = []
        files.append(("report.json", try ReportDocument.jsonData(document)))
        files.append(("report.html", Data(ReportHTML.render(document, keyFrames: keyFrames, methodNote: options.trainingSummary).utf8)))
        files.append(("report.md", Data(ReportMarkdown.render(document, keyFrames: keyFrames, methodNote: options.trainingSummary).utf8)))
        for k in keyFrames { files.append((k.name, k.png)) }
        for (name, data) in files { try data.write(to: temporary.appendingPathComponent(name)) }
        let manifest = ReportManifest(files: files.map { ReportManifest.Entry(path: $0.0, sha256: SHA256.hex($0.1), bytes: $0.1.count) })
        try ReportDocument.jsonData(manifest).write(to: temporary.appendingPathComponent("manifest.json"))

        if fm.fileExists(atPath: folder.path) {
            let old = parent.appendingPathComponent(".\(folder.lastPathComponent).old-\(getpid())")
            try fm.moveItem(at: folder, to: old)
            do { try fm.moveItem(at: temporary, to: folder) } catch {
                try? fm.moveItem(at: old, to: folder)
                throw ReportError.writeFailed("\(error)")
            }
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temporary, to: folder)
        }
        committed = true
        return folder
    }
}

/// `manifest.json`: every file of the report with its SHA-256 and size.
public struct ReportManifest: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }
    public var schemaVersion = ReportDocument.schemaVersion
    public var algorithm = "sha256"
    public var files: [Entry]

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", algorithm, files }

    /// The files whose bytes no longer match (missing files included).
    public static func verify(folder: URL) throws -> [String] {
        let manifest = try JSONDecoder().decode(ReportManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        return manifest.files.filter { entry in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(entry.path)) else { return true }
            return SHA256.hex(data) != entry.sha256
        }.map(\.path)
    }
}
