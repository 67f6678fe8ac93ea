import Foundation
import Training

/// The committed sample corpus (one synth clip per kind) and scratch folders.
enum TrainingFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sampleManifest = repository.appendingPathComponent("Samples/manifest.jsonl")
    static let smokePlan = repository.appendingPathComponent("Training/smoke.json")

    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-training-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
