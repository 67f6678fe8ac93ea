import Foundation
import Media
import Synth
import Testing

@Suite struct CorpusTests {
    func smallConfiguration() -> SynthConfiguration {
        var configuration = SynthConfiguration()
        configuration.frames = 50
        configuration.size = 64
        configuration.preset = "ultrafast"
        return configuration
    }

    @Test func sameSeedSameCorpusAndResume() throws {
        let a = try SyncCheck.folder(), b = try SyncCheck.folder()
        let first = try CorpusWriter(folder: a, count: 4, seed: 9, configuration: smallConfiguration(), jobs: 2).run()
        let second = try CorpusWriter(folder: b, count: 4, seed: 9, configuration: smallConfiguration(), jobs: 1).run()
        #expect(first.manifestSHA256 == second.manifestSHA256)
        #expect(first.made == 4)
        for index in 0..<4 {
            let name = String(format: "clips/%06d.mp4", index)
            let audioA = try AudioReader(path: a.appendingPathComponent(name).path).readAll()
            let audioB = try AudioReader(path: b.appendingPathComponent(name).path).readAll()
            #expect(audioA.count == audioB.count)
            let difference = zip(audioA, audioB).map { abs($0 - $1) }.max() ?? 0
            #expect(difference == 0, "clip \(index): audio differs by up to \(difference)")
        }
        // Resume: a clip whose sidecar is missing is made again; the manifest is unchanged.
        try FileManager.default.removeItem(at: a.appendingPathComponent("clips/000002.json"))
        let resumed = try CorpusWriter(folder: a, count: 4, seed: 9, configuration: smallConfiguration(), jobs: 2).run()
        #expect(resumed.made == 1 && resumed.reused == 3)
        #expect(resumed.manifestSHA256 == first.manifestSHA256)
        // A different seed in the same folder is refused.
        #expect(throws: SynthesisError.self) {
            try CorpusWriter(folder: a, count: 4, seed: 10, configuration: smallConfiguration(), jobs: 1).run()
        }
    }

    @Test func clipsDecodeWithTheirLabelledLength() throws {
        let folder = try SyncCheck.folder()
        _ = try CorpusWriter(folder: folder, count: 2, seed: 2, configuration: smallConfiguration(), jobs: 2).run()
        let lines = try String(contentsOf: folder.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let entry = try JSONDecoder().decode(ManifestEntry.self, from: Data(line.utf8))
            let clip = try Clip.load(path: folder.appendingPathComponent(entry.path).path)
            #expect(clip.frameCount == entry.frames)
            #expect(entry.frameSync.count == entry.frames && entry.frameArtifact.count == entry.frames)
            #expect(line.contains("\"offset_frames\":"))   // every key is present
        }
    }

    @Test func stoppingEarlyLeavesAResumableFolder() throws {
        let folder = try SyncCheck.folder()
        let summary = try CorpusWriter(folder: folder, count: 3, seed: 1, configuration: smallConfiguration(), jobs: 1).run(shouldStop: { true })
        #expect(summary.stopped)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.jsonl").path))
    }
}
