import Forensics
import Foundation

/// `report.json`: the whole `Analysis` at the top level (the seed's four keys first in meaning,
/// every series, offset, drift, segments, explanations) plus `report` (schema version, chain of
/// custody, bookmarks, key frames). Schema: Docs/report-format.md.
public struct ReportDocument: Encodable, Sendable {
    public static let schemaVersion = 1

    public struct Custody: Codable, Sendable, Hashable {
        public var inputPath: String
        public var inputSHA256: String?
        public var weightsPath: String?
        public var weightsSHA256: String?
        public var toolVersion: String
        public var toolCommit: String?
        public var command: [String]
        public var analyst: String?
        public var createdUTC: String

        enum CodingKeys: String, CodingKey {
            case inputPath = "input_path", inputSHA256 = "input_sha256", weightsPath = "weights_path"
            case weightsSHA256 = "weights_sha256", toolVersion = "tool_version", toolCommit = "tool_commit"
            case command, analyst, createdUTC = "created_utc"
        }
    }

    public struct KeyFrameEntry: Codable, Sendable, Hashable {
        public var file: String
        public var frame: Int
        public var seconds: Double
        public var evidence: String
        public var segmentStart: Double
        public var segmentEnd: Double
        enum CodingKeys: String, CodingKey {
            case file, frame, seconds, evidence, segmentStart = "segment_start", segmentEnd = "segment_end"
        }
    }

    public struct Section: Encodable, Sendable {
        public var schemaVersion = ReportDocument.schemaVersion
        public var custody: Custody
        public var bookmarks: [Bookmark]
        public var keyFrames: [KeyFrameEntry]
        /// Index of the window whose attention the report shows (the most suspicious one).
        public var attentionWindow: Int?
        /// Per flagged segment: the median mouth crop `[x, y, w, h]` the analysis used there.
        public var segmentCropRegions: [SegmentCropRegion] = []
        enum CodingKeys: String, CodingKey {
            case schemaVersion = "schema_version", custody, bookmarks, keyFrames = "key_frames", attentionWindow = "attention_window"
            case segmentCropRegions = "segment_crop_regions"
        }
    }

    public struct SegmentCropRegion: Codable, Sendable, Hashable {
        public var start: Double
        public var end: Double
        /// `[x, y, w, h]` in displayed frame pixels; null = the whole frame.
        public var region: [Int]?

        public init(start: Double, end: Double, region: [Int]?) {
            self.start = start
            self.end = end
            self.region = region
        }

        enum CodingKeys: String, CodingKey { case start, end, region }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encode(region, forKey: .region)  // null, not absent, for the whole frame
        }
    }

    public var analysis: Analysis
    public var report: Section

    enum Keys: String, CodingKey { case report }

    public func encode(to encoder: Encoder) throws {
        try analysis.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(report, forKey: .report)
    }

    static func jsonData(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
