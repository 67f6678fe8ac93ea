import Foundation
import Testing

/// `train --smoke`, `detect`, `scan`, `report` and `eval` as a user runs them, on the committed
/// sample clips, with weights the smoke training makes.
@Suite("Analysis commands", .serialized)
struct AnalysisCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repository.appendingPathComponent("Samples")

    /// Weights from a few smoke-training steps (the tiny preset).
    static func smokeWeights(in folder: URL) throws -> String {
        let out = try CommandRunner.run(["train", "--manifest", samples.appendingPathComponent("manifest.jsonl").path,
                                         "--plan", repository.appendingPathComponent("Training/smoke.json").path,
                                         "--out", folder.appendingPathComponent("run").path,
                                         "--cache", folder.appendingPathComponent("cache").path, "--smoke", "--threads", "1"])
        guard out.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: out.stderr]) }
        return folder.appendingPathComponent("run/final.safetensors").path
    }

    @Test("train --smoke makes weights; detect prints the seed's four keys and exits by verdict")
    func detect() throws {
        let folder = try CommandRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try Self.smokeWeights(in: folder)
        let plain = try CommandRunner.run(["detect", Self.samples.appendingPathComponent("offset.mp4").path, "--weights", weights])
        #expect([0, 1, 2].contains(plain.status), "\(plain.stderr)")
        let seed = try CommandRunner.json(plain.stdout)
        #expect(Set(seed.keys) == ["is_real", "is_fake", "confidence", "manipulation_probability"])
        let isFake = seed["is_fake"] as? Bool
        #expect(plain.status == 2 || (plain.status == 1) == isFake)

        let detail = try CommandRunner.run(["detect", Self.samples.appendingPathComponent("partial.mp4").path, "--weights", weights, "--detail"])
        let analysis = try #require(try CommandRunner.json(detail.stdout)["analysis"] as? [String: Any])
        let offset = try #require(analysis["offset"] as? [String: Any])
        #expect(offset["frames"] is Int && offset["ms"] is NSNumber && offset["confidence"] is NSNumber)
        #expect(analysis["uncertain"] is Bool && analysis["segments"] is [Any])
        #expect((analysis["input_sha256"] as? String)?.count == 64 && (analysis["weights_sha256"] as? String)?.count == 64)

        let table = try CommandRunner.run(["detect", Self.samples.appendingPathComponent("genuine.mp4").path, "--weights", weights, "--table"])
        #expect(table.stdout.contains("verdict") && table.stdout.contains("AV offset"))
    }

    @Test("detect on garbage, on a missing file and with missing weights exits 3 with a message")
    func detectErrors() throws {
        let folder = try CommandRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try Self.smokeWeights(in: folder)
        let garbage = folder.appendingPathComponent("garbage.mp4")
        try Data(repeating: 0x5A, count: 4096).write(to: garbage)
        let bad = try CommandRunner.run(["detect", garbage.path, "--weights", weights])
        #expect(bad.status == 3 && bad.stdout.isEmpty && bad.stderr.contains("garbage.mp4"))
        let missing = try CommandRunner.run(["detect", folder.appendingPathComponent("nope.mp4").path, "--weights", weights])
        #expect(missing.status == 3)
        let noWeights = try CommandRunner.run(["detect", Self.samples.appendingPathComponent("genuine.mp4").path,
                                               "--weights", folder.appendingPathComponent("none.safetensors").path])
        #expect(noWeights.status == 3 && noWeights.stderr.contains("none.safetensors"))
        try Data("not safetensors".utf8).write(to: folder.appendingPathComponent("bad.safetensors"))
        let badWeights = try CommandRunner.run(["detect", Self.samples.appendingPathComponent("genuine.mp4").path,
                                                "--weights", folder.appendingPathComponent("bad.safetensors").path])
        #expect(badWeights.status == 3)
    }

    @Test("scan writes one line per file, resumes by hash, and shards split the files")
    func scan() throws {
        let folder = try CommandRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try Self.smokeWeights(in: folder)
        let list = folder.appendingPathComponent("list.txt")
        let clips = ["genuine", "offset", "dub"].map { Self.samples.appendingPathComponent("\($0).mp4").path }
        try (clips + [folder.appendingPathComponent("missing.mp4").path]).joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("results.jsonl")
        let first = try CommandRunner.run(["scan", list.path, "--out", out.path, "--weights", weights, "--jobs", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let objects = try lines.map { try CommandRunner.json(String($0)) }
        #expect(objects.filter { $0["error"] is String }.count == 1)
        #expect(objects.filter { $0["is_fake"] is Bool }.count == 3)
        _ = try CommandRunner.run(["scan", list.path, "--out", out.path, "--weights", weights])
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 4 + 1) // only the unhashable missing file again

        let a = folder.appendingPathComponent("a.jsonl"), b = folder.appendingPathComponent("b.jsonl")
        _ = try CommandRunner.run(["scan", list.path, "--out", a.path, "--weights", weights, "--shard", "0/2"])
        _ = try CommandRunner.run(["scan", list.path, "--out", b.path, "--weights", weights, "--shard", "1/2"])
        let pathsA = try String(contentsOf: a, encoding: .utf8).split(separator: "\n").compactMap { try CommandRunner.json(String($0))["path"] as? String }
        let pathsB = try String(contentsOf: b, encoding: .utf8).split(separator: "\n").compactMap { try CommandRunner.json(String($0))["path"] as? String }
        #expect(Set(pathsA).isDisjoint(with: pathsB) && pathsA.count + pathsB.count == 4)
    }

    @Test("report writes the folder, refuses to overwrite, and eval reports metrics")
    func reportAndEval() throws {
        let folder = try CommandRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try Self.smokeWeights(in: folder)
        let target = folder.appendingPathComponent("case")
        let clip = Self.samples.appendingPathComponent("partial.mp4").path
        let made = try CommandRunner.run(["report", clip, "-o", target.path, "--weights", weights, "--analyst", "Tester"])
        #expect(made.status == 0, "\(made.stderr)")
        for name in ["report.json", "report.html", "report.md", "manifest.json"] {
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent(name).path))
        }
        let again = try CommandRunner.run(["report", clip, "-o", target.path, "--weights", weights])
        #expect(again.status == 3 && again.stderr.contains("--force"))
        #expect(try CommandRunner.run(["report", clip, "-o", target.path, "--weights", weights, "--force"]).status == 0)

        let eval = try CommandRunner.run(["eval", "--manifest", Self.samples.appendingPathComponent("manifest.jsonl").path,
                                          "--weights", weights, "--json", "--jobs", "2"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let report = try CommandRunner.json(eval.stdout)
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["clips"] as? Int == 7 && overall["fakes"] as? Int == 6)
        #expect((report["per_kind"] as? [String: Any])?.count == 6)
    }
}
