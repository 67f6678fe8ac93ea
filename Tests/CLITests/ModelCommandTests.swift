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

    @Test func benchOpsRejectsUnknownShapeNames() throws {
        let outcome = try CommandRunner.run(["bench", "ops", "--shapes", "visual.nosuch"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--shapes matches none of"))
        #expect(outcome.stderr.contains("visual.stem"))
    }
}
