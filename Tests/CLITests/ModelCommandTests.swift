import Foundation
import Testing

@Suite struct ModelCommandTests {
    @Test func modelInfoJSON() throws {
        let outcome = try CommandRunner.run(["model", "info", "--preset", "compact", "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["preset", "parameters", "gflop_per_window", "crop", "window_frames"])
        #expect(object["preset"] as? String == "compact")
        #expect(object["parameters"] as? Int == 1_539_180)
        #expect((object["crop"] as? [Int]) == [48, 48])
        #expect(object["window_frames"] as? Int == 50)
        let gflop = try #require(object["gflop_per_window"] as? Double)
        #expect(gflop > 0 && gflop <= 2)
    }

    @Test func modelInfoRejectsUnknownPreset() throws {
        let outcome = try CommandRunner.run(["model", "info", "--preset", "huge"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("unknown preset"))
    }
}

@Suite struct BenchModelCommandTests {
    @Test func benchModelRefusesTheTinyPreset() throws {
        let outcome = try CommandRunner.run(["bench", "model", "--preset", "tiny"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("compact or seed"))
    }
}

@Suite struct BenchOpsCommandTests {
    @Test func benchOpsMeasuresTheNamedShapesOnly() throws {
        let outcome = try CommandRunner.run(["bench", "ops", "--shapes", "audio.stem,temporal.k3", "--threads", "1",
                                             "--repeats", "1", "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["shape"] as? String }.map { $0.split(separator: " ")[0] } == ["audio.stem", "temporal.k3"])
        for row in rows {
            #expect((row["ms"] as? Double ?? 0) > 0)
            #expect((row["sgemm_gflops"] as? Double ?? 0) > 0)
            #expect(row.keys.contains("torch_ms"))  // a time, or null where PyTorch is not installed
        }
    }

    @Test func benchOpsDerivesEachPresetsShapesFromItsConfiguration() throws {
        let expected = [
            "seed": ["visual.layer4.conv2 256→256 k3×3×3 @50×2×2", "audio.layer4.conv2 256→256 k3×3 @3×25",
                     "audio.layer4.shortcut 256→256 k1×1 s2×1 @5×25", "artifact.hf2 32→64 k3×3×3 s1×2×2 @50×32×32"],
            "compact": ["visual.layer1 16→16 k3×3×3 @50×12×12", "visual.layer4.conv2 64→64 k3×3×3 @50×2×2",
                        "audio.layer4.conv2 64→64 k3×3 @3×25", "temporal.k7 128→128 k7 @50",
                        "artifact.hf2 8→16 k3×3×3 s1×2×2 @50×24×24"],
        ]
        for (preset, labels) in expected {
            let names = labels.map { String($0.split(separator: " ")[0]) }.joined(separator: ",")
            let outcome = try CommandRunner.run(["bench", "ops", "--preset", preset, "--shapes", names, "--threads", "1",
                                                 "--repeats", "1", "--json"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]])
            #expect(rows.compactMap { $0["shape"] as? String } == labels, "\(preset)")
        }
        let unknown = try CommandRunner.run(["bench", "ops", "--preset", "tiny"])
        #expect(unknown.status != 0 && unknown.stderr.contains("seed or compact"))
    }

    @Test func benchOpsRejectsUnknownShapeNames() throws {
        let outcome = try CommandRunner.run(["bench", "ops", "--shapes", "visual.nosuch"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--shapes matches none of"))
        #expect(outcome.stderr.contains("visual.stem"))
    }
}
