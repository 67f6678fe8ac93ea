import Foundation
import Testing
@testable import Training

/// Manifests name who speaks, and the evaluation reports each speaker's clips.
struct SpeakerBreakdownTests {
    @Test func manifestLinesNameTheirSpeaker() throws {
        let lines = [
            #"{"path":"a.mp4","label":0,"kind":"genuine","speech":{"source":"espeak-ng","voice":{"name":"en-us-nyc+klatt3","rate":196}}}"#,
            #"{"path":"b.mp4","label":1,"kind":"dub","speech":{"source":"recorded","voice":{"name":"pocketsphinx-testdata","rate":0}}}"#,
            #"{"path":"c.mp4","label":0,"kind":"genuine","speaker":"interview 12","speech":{"source":"espeak-ng","voice":{"name":"en"}}}"#,
            #"{"path":"d.mp4","label":0,"kind":"genuine","speech":{"source":"camera"}}"#,
            #"{"path":"e.mp4","label":0,"kind":"genuine"}"#,
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("speakers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("manifest.jsonl")
        try lines.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let examples = try TrainingManifest.load(manifest)
        #expect(examples.map(\.speaker) == ["espeak-ng en-us-nyc", "recorded pocketsphinx-testdata", "interview 12", "camera", nil])
        // Written back (the trainer's validation.jsonl), the speaker survives as its own key.
        let encoded = try JSONEncoder().encode(examples[0])
        var again = try JSONDecoder().decode(TrainingExample.self, from: encoded)
        again.url = examples[0].url
        #expect(again == examples[0])
    }

    @Test func theReportBreaksResultsDownBySpeaker() {
        func clip(_ i: Int, _ speaker: String?, label: Int, _ p: Float) -> EvaluatedClip {
            let example = TrainingExample(path: "c\(i).mp4", label: label, kind: label == 1 ? "offset" : "genuine",
                                          speaker: speaker, url: URL(fileURLWithPath: "/c\(i).mp4"))
            return EvaluatedClip(example: example, probability: p, estimatedOffset: nil, frameSync: nil, error: nil)
        }
        // Voice A separates perfectly; voice B's genuine clips score above its fakes.
        let clips = [clip(0, "A", label: 0, 0.1), clip(1, "A", label: 1, 0.9), clip(2, "A", label: 0, 0.2), clip(3, "A", label: 1, 0.8),
                     clip(4, "B", label: 0, 0.7), clip(5, "B", label: 1, 0.6)]
        let report = EvaluationReport(clips: clips, threshold: 0.5)
        #expect(report.perSpeaker?["A"]?.auc == 1 && report.perSpeaker?["A"]?.clips == 4)
        #expect(report.perSpeaker?["B"]?.auc == 0 && report.perSpeaker?["B"]?.fakes == 1)
        #expect(report.table().contains("speaker") && report.table().contains("\nB "))
        let anonymous = EvaluationReport(clips: [clip(6, nil, label: 0, 0.1), clip(7, nil, label: 1, 0.9)], threshold: 0.5)
        #expect(anonymous.perSpeaker == nil && !anonymous.table().contains("speaker"))
    }
}
