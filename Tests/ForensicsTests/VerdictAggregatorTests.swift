@testable import Forensics
import Foundation
import Testing

@Suite struct VerdictAggregatorTests {
    @Test func meanOfVotingWindowsByDefaultTopKOnRequest() throws {
        let plan = try WindowPlan(frameCount: 150) // 5 windows
        let probs: [Float] = [0.1, 0.9, 0.8, 0.7, 0.2]
        let mean = try VerdictAggregator().aggregate(plan: plan, windowProbabilities: probs, speech: nil)
        #expect(abs(mean.manipulationProbability! - 0.54) < 1e-6)
        #expect(mean.status == .fake && mean.uncertain) // 0.54 is within 0.1 of 0.5
        #expect(mean.aggregation.method == "mean" && mean.aggregation.k == 5 && mean.aggregation.votingWindows == 5)
        let v = try VerdictAggregator(rule: .topKMean(3)).aggregate(plan: plan, windowProbabilities: probs, speech: nil)
        #expect(abs(v.manipulationProbability! - 0.8) < 1e-6)
        #expect(v.status == .fake && v.isFake && !v.isReal)
        #expect(abs(v.confidence - 0.8) < 1e-6)
        #expect(!v.uncertain)
        #expect(v.aggregation.method == "top_k_mean" && v.aggregation.k == 3 && v.aggregation.votingWindows == 5)
    }

    @Test func aggregationRulesParseAndRoundTrip() throws {
        for text in ["mean", "median", "max", "top-3", "top-12"] {
            let rule = try AggregationRule(parsing: text)
            #expect(rule.argument == text)
            let data = try JSONEncoder().encode(rule)
            #expect(try JSONDecoder().decode(AggregationRule.self, from: data) == rule)
        }
        #expect(try AggregationRule(parsing: "TOP-2") == .topKMean(2))
        for bad in ["top-0", "top-", "mode", "", "top--1"] {
            #expect(throws: ForensicsError.self) { try AggregationRule(parsing: bad) }
        }
    }

    @Test func aggregationRulesByDefinition() {
        let even: [Float] = [0.1, 0.9, 0.4, 0.6]
        func close(_ rule: AggregationRule, _ values: [Float], _ expected: Float) -> Bool {
            guard let p = rule.apply(values) else { return false }
            return abs(p - expected) < 1e-6
        }
        #expect(close(.mean, even, 0.5))
        #expect(close(.median, even, 0.5))
        #expect(close(.median, [0.2, 0.8, 0.3], 0.3))
        #expect(close(.maximum, even, 0.9))
        #expect(close(.topKMean(2), even, 0.75))
        #expect(close(.topKMean(3), even, (0.9 + 0.6 + 0.4) / 3))
        #expect(close(.topKMean(9), even, 0.5)) // more than there are: the mean
        #expect(AggregationRule.mean.apply([]) == nil)
        #expect(AggregationRule.compared.map(\.description) == ["mean", "median", "max", "top-2 mean", "top-3 mean", "top-5 mean"])
    }

    @Test func silentWindowsDoNotVote() throws {
        let plan = try WindowPlan(frameCount: 100) // windows at 0, 25, 50
        var speech = [Bool](repeating: false, count: 100)
        for i in 0..<40 { speech[i] = true } // windows 0 (40/50) and 1 (15/50) vote; window 2 (0/50) does not
        let v = try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.1, 0.3, 0.99], speech: speech)
        #expect(v.windowVotes == [true, true, false])
        #expect(v.votingWindowProbabilities == [0.1, 0.3])
        #expect(abs(v.manipulationProbability! - 0.2) < 1e-6)
        #expect(v.status == .real)
        #expect(abs(v.confidence - 0.8) < 1e-6)
    }

    @Test func allSilentSaysNoSpeech() throws {
        let plan = try WindowPlan(frameCount: 75)
        let v = try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.9, 0.9],
                                                  speech: [Bool](repeating: false, count: 75))
        #expect(v.status == .noSpeech)
        #expect(v.manipulationProbability == nil)
        #expect(!v.isFake && !v.isReal && v.confidence == 0 && v.uncertain)
    }

    @Test func uncertainWithinMargin() throws {
        let plan = try WindowPlan(frameCount: 50)
        let v = try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.55], speech: nil)
        #expect(v.isFake && v.uncertain)
        let w = try VerdictAggregator(threshold: 0.7).aggregate(plan: plan, windowProbabilities: [0.55], speech: nil)
        #expect(w.isReal && !w.uncertain)
        #expect(abs(w.confidence - 0.45) < 1e-6)
    }

    @Test func mismatchesThrow() throws {
        let plan = try WindowPlan(frameCount: 75)
        #expect(throws: ForensicsError.self) { try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.1], speech: nil) }
        #expect(throws: ForensicsError.self) {
            try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.1, 0.2], speech: [true])
        }
    }
}

@Suite struct AnalysisJSONTests {
    static func sample(speech: Bool) throws -> Analysis {
        let plan = try WindowPlan(frameCount: 75)
        let verdict = try VerdictAggregator().aggregate(plan: plan, windowProbabilities: [0.2, 0.9],
                                                        speech: [Bool](repeating: speech, count: 75))
        let v = try FrameMatrix(rows: randomRows(75, 4, seed: 5))
        let offset = try OffsetSearch.search(visual: v, audio: v)
        return Analysis(verdict: verdict, clip: .init(plan: plan), offset: offset,
                        segments: [.init(startFrame: 25, endFrame: 50, score: 0.7, kind: .sync)],
                        provenance: .init(inputSHA256: "ab", version: "0.1", preset: "compact"))
    }

    @Test func seedKeysAtTopLevel() throws {
        let data = try JSONEncoder().encode(try Self.sample(speech: true))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["is_real"] as? Bool == false)
        #expect(object["is_fake"] as? Bool == true)
        let confidence = try #require(object["confidence"] as? Double)
        let probability = try #require(object["manipulation_probability"] as? Double)
        #expect(abs(confidence - 0.55) < 1e-6 && abs(probability - 0.55) < 1e-6)
        let offset = try #require(object["offset"] as? [String: Any])
        #expect(offset["offset_frames"] as? Int == 0)
        #expect(offset["offset_ms"] as? Double == 0)
        #expect(offset["offset_convention"] as? String == "positive = audio leads video")
        let verdict = try #require(object["verdict"] as? [String: Any])
        #expect(verdict["uncertain"] as? Bool == true)
        #expect(verdict["threshold"] as? Double == 0.5)
        let provenance = try #require(object["provenance"] as? [String: Any])
        #expect(provenance["input_sha256"] as? String == "ab")
        #expect(provenance.keys.contains("weights_sha256") == false) // nil is omitted
    }

    @Test func noSpeechHasNullProbability() throws {
        let data = try JSONEncoder().encode(try Self.sample(speech: false))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["is_real"] as? Bool == false && object["is_fake"] as? Bool == false)
        #expect(object["manipulation_probability"] is NSNull)
        #expect((object["verdict"] as? [String: Any])?["status"] as? String == "no_speech")
    }

    @Test func roundTrips() throws {
        let analysis = try Self.sample(speech: true)
        let decoded = try JSONDecoder().decode(Analysis.self, from: try JSONEncoder().encode(analysis))
        #expect(decoded == analysis)
    }
}
