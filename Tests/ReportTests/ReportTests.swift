import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Forensics
import Media
import Model
import Testing
@testable import Report

@Suite("Evidence report", .serialized)
struct ReportTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    func analysis(_ name: String) throws -> (Analysis, String) {
        let path = Self.samples.appendingPathComponent(name).path
        let analyzer = Analyzer(model: try SyncDefenseModel(configuration: .smoke, source: .random(seed: 5)), weightsSHA256: "ab", version: "test")
        var options = AnalysisOptions()
        options.keepExplanations = true
        // A random model's sync sits near 0.5: a high threshold flags segments so key frames are exercised.
        options.segments.syncThreshold = 0.9
        options.segments.artifactThreshold = 0.1
        return (try analyzer.analyze(path: path, options: options), path)
    }

    func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-report-\(UUID().uuidString)")
    }

    func write(_ a: Analysis, _ path: String, to folder: URL, force: Bool = false) throws -> URL {
        var options = ReportOptions()
        options.force = force
        options.analyst = "A. Analyst"
        options.bookmarks = [Bookmark(frame: 30, note: "mouth closes <before> the \"p\"")]
        options.date = Date(timeIntervalSince1970: 1_800_000_000)
        return try ReportWriter.write(analysis: a, inputPath: path, region: nil, cropHeight: 16, cropWidth: 16, options: options, to: folder)
    }

    @Test("the report holds every file, each hash in the manifest matches, and tampering is detected")
    func manifestMatches() throws {
        let (a, path) = try analysis("partial.mp4")
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try write(a, path, to: root.appendingPathComponent("case-1"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.contains("report.json") && names.contains("report.html") && names.contains("report.md") && names.contains("manifest.json"))
        #expect(try ReportManifest.verify(folder: folder).isEmpty)
        let keyFrames = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("keyframes").path)
        #expect(!a.segments.isEmpty && !keyFrames.isEmpty)
        let png = try Data(contentsOf: folder.appendingPathComponent("keyframes").appendingPathComponent(keyFrames[0]))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        let md = folder.appendingPathComponent("report.md")
        try (try String(contentsOf: md, encoding: .utf8) + "edited").write(to: md, atomically: true, encoding: .utf8)
        #expect(try ReportManifest.verify(folder: folder) == ["report.md"])
        // No temporary folder is left beside the report.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["case-1"])
    }

    @Test("report.json carries the seed's keys, the series, offset, segments and the report section")
    func jsonSchema() throws {
        let (a, path) = try analysis("offset.mp4")
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try write(a, path, to: root.appendingPathComponent("r"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any])
        #expect(object["is_real"] is Bool && object["is_fake"] is Bool && object["confidence"] is NSNumber)
        #expect(object.keys.contains("manipulation_probability"))
        let timelines = try #require(object["timelines"] as? [String: Any])
        #expect((timelines["sync"] as? [Any])?.count == 75 && (timelines["artifact"] as? [Any])?.count == 75)
        let offset = try #require(object["offset"] as? [String: Any])
        #expect(offset["offset_frames"] is Int && offset["offset_convention"] as? String == "positive = audio leads video")
        #expect(object["segments"] is [Any] && object["drift"] is [Any])
        let report = try #require(object["report"] as? [String: Any])
        #expect(report["schema_version"] as? Int == ReportDocument.schemaVersion)
        let custody = try #require(report["custody"] as? [String: Any])
        #expect(custody["input_sha256"] as? String == (try SHA256.hex(fileAt: URL(fileURLWithPath: path))))
        #expect(custody["analyst"] as? String == "A. Analyst" && custody["created_utc"] as? String == "2027-01-15T08:00:00Z")
        #expect((report["bookmarks"] as? [[String: Any]])?.first?["frame"] as? Int == 30)
        let explanations = try #require(object["explanations"] as? [String: Any])
        #expect((explanations["attention"] as? [Any])?.count == a.clip.windows)
        // Where the mouth was: a mouth-centred sample is read whole; each segment names its crop (null = whole frame).
        #expect((object["mouth"] as? [String: Any])?["mode"] as? String == "whole_frame")
        let crops = try #require(report["segment_crop_regions"] as? [[String: Any]])
        #expect(crops.count == a.segments.count && crops.allSatisfy { $0["start"] is Double && $0.keys.contains("region") })
    }

    @Test("the HTML is self-contained and well-formed")
    func htmlSelfContained() throws {
        let (a, path) = try analysis("partial.mp4")
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try write(a, path, to: root.appendingPathComponent("r"))
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        for external in ["http://", "https://", "src=\"//", "href=", "<script", "@import", "url("] {
            #expect(!html.contains(external), "report.html contains \(external)")
        }
        #expect(html.contains("data:image/png;base64,"))
        #expect(html.contains("mouth closes &lt;before&gt; the &quot;p&quot;"))
        // Well-formed: an XML parser reads it from end to end (after the HTML5 doctype line).
        let body = html.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
        let parser = XMLParser(data: Data(body.utf8))
        #expect(parser.parse(), "XML error: \(String(describing: parser.parserError))")
    }

    @Test("an existing report is not overwritten without force; force replaces it")
    func refusesOverwrite() throws {
        let (a, path) = try analysis("genuine.mp4")
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("r")
        _ = try write(a, path, to: target)
        #expect(throws: ReportError.exists(target.path)) { _ = try write(a, path, to: target) }
        _ = try write(a, path, to: target, force: true)
        #expect(try ReportManifest.verify(folder: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["r"])
    }

    @Test("two runs on the same input and weights give identical numbers")
    func reproducible() throws {
        let (a, path) = try analysis("drift.mp4")
        let (b, _) = try analysis("drift.mp4")
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try write(a, path, to: root.appendingPathComponent("one"))
        let second = try write(b, path, to: root.appendingPathComponent("two"))
        func numbers(_ folder: URL) throws -> [String: Any] {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any])
            object.removeValue(forKey: "provenance") // wall time differs
            return object
        }
        let one = try numbers(first), two = try numbers(second)
        #expect(Set(one.keys) == Set(two.keys))
        for key in one.keys.sorted() {
            let a = try JSONSerialization.data(withJSONObject: [key: one[key]!], options: [.sortedKeys])
            let b = try JSONSerialization.data(withJSONObject: [key: two[key]!], options: [.sortedKeys])
            #expect(a == b, "\(key) differs")
        }
    }

    @Test("a report without explanations is refused and leaves nothing")
    func needsExplanations() throws {
        var (a, path) = try analysis("genuine.mp4")
        a.explanations = nil
        let root = scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: ReportError.noExplanations) { _ = try write(a, path, to: root.appendingPathComponent("r")) }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("r").path))
    }
}

@Suite("ZIP archive")
struct ZipArchiveTests {
    @Test("CRC-32 of the standard check string")
    func crc() {
        #expect(ZipArchive.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("the unzip CLI lists and extracts what was stored, byte for byte")
    func unzipReadsIt() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip"), "unzip is installed by scripts/install-deps.sh")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let payload = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let zip = ZipArchive.make([("report.json", Data("{}".utf8)), ("keyframes/frame-000001.png", payload)])
        try zip.write(to: folder.appendingPathComponent("r.zip"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = ["-q", folder.appendingPathComponent("r.zip").path, "-d", folder.appendingPathComponent("out").path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: folder.appendingPathComponent("out/keyframes/frame-000001.png")) == payload)
    }
}
