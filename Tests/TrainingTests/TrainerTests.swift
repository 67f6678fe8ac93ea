import Forensics
import Foundation
import Media
import Model
import Tensor
import Testing
@testable import Training

@Suite("Trainer", .serialized)
struct TrainerTests {
    func loadData(cache folder: URL, validationFraction: Double = 0) throws -> TrainingData {
        let examples = try TrainingManifest.load(TrainingFixtures.sampleManifest)
        let cache = try FeatureCache(folder: folder, cropHeight: 16, cropWidth: 16)
        return try TrainingData.load(examples, cache: cache, windowFrames: 6, validationFraction: validationFraction, jobs: 2, progress: { _, _ in })
    }

    @Test("the feature cache gives back exactly what decoding gives, and rejects a damaged entry")
    func cacheRoundTrip() throws {
        let folder = try TrainingFixtures.scratch("cache")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = TrainingFixtures.repository.appendingPathComponent("Samples/partial.mp4")
        let cache = try FeatureCache(folder: folder, cropHeight: 16, cropWidth: 16)
        let decoded = try ClipFeatures.load(path: clip.path, cropHeight: 16, cropWidth: 16)
        let first = try cache.features(of: clip)
        let second = try cache.features(of: clip) // from disk
        #expect(first == decoded)
        #expect(second == decoded)
        #expect(decoded.frameCount == 75 && decoded.mel.count == 80 * 300 && decoded.crops.count == 75 * 3 * 16 * 16)
        let entry = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first)
        let bytes = try Data(contentsOf: entry)
        try bytes.prefix(bytes.count - 7).write(to: entry)
        #expect(throws: TrainingError.self) { _ = try cache.features(of: clip) }
    }

    @Test("a partial clip's windows are fake only where they hold replaced audio")
    func windowLabels() throws {
        let examples = try TrainingManifest.load(TrainingFixtures.sampleManifest)
        let partial = try #require(examples.first { $0.kind == "partial" })
        let sync = try #require(partial.frameSync)
        let features = try ClipFeatures.load(path: partial.url.path, cropHeight: 16, cropWidth: 16)
        let firstOut = try #require(sync.firstIndex(of: 0))
        let before = TrainingWindow(example: partial, features: features, start: 0, length: min(6, firstOut))
        let inside = TrainingWindow(example: partial, features: features, start: firstOut, length: 6)
        #expect(before.label == 0)
        #expect(inside.label == 1)
        #expect(inside.sync.allSatisfy { $0 == 0 })
        let genuine = try #require(examples.first { $0.kind == "genuine" })
        let genuineWindow = TrainingWindow(example: genuine, features: try ClipFeatures.load(path: genuine.url.path, cropHeight: 16, cropWidth: 16), start: 10, length: 6)
        #expect(genuineWindow.label == 0 && genuineWindow.genuine)
        #expect(genuineWindow.artifactMask.allSatisfy { $0 == 1 })
    }

    @Test("a stage changes only the parameters it trains")
    func frozenParametersStay() throws {
        let folder = try TrainingFixtures.scratch("frozen")
        defer { try? FileManager.default.removeItem(at: folder) }
        var plan = try TrainingPlan.load(TrainingFixtures.smokePlan)
        plan.stages[0].trainable = ["head", "sync_head"]
        plan.stages[0].steps = 2
        let trainer = try Trainer(plan: plan, data: try loadData(cache: folder.appendingPathComponent("cache")), folder: folder.appendingPathComponent("run"), resume: false)
        let before = trainer.model.namedTensors
        _ = try trainer.step()
        let after = trainer.model.namedTensors
        var changedHead = false
        for (name, tensor) in after where !name.contains("running_") && !name.contains("num_batches") {
            let moved = tensor.scalars != before[name]?.scalars
            if name.hasPrefix("head.") || name.hasPrefix("sync_head.") { changedHead = changedHead || moved } else {
                #expect(!moved, "\(name) changed while frozen")
            }
        }
        #expect(changedHead)
    }

    @Test("a run stopped and resumed ends with the same weights as one run straight through")
    func resumeIsBitForBit() throws {
        let folder = try TrainingFixtures.scratch("resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        var plan = try TrainingPlan.load(TrainingFixtures.smokePlan)
        plan.stages[0].steps = 3
        plan.stages.append(plan.stages[0])
        plan.stages[1].name = "second"
        plan.stages[1].trainable = ["cross", "temporal", "head", "sync_head"]
        plan.stages[1].unfreeze = [["visual.layer4", "audio.layer4"]]
        plan.stages[1].unfreezeEvery = 2
        plan.stages[1].backboneLearningRateFactor = 0.5
        let data = try loadData(cache: folder.appendingPathComponent("cache"))

        let straight = try Trainer(plan: plan, data: data, folder: folder.appendingPathComponent("straight"), resume: false)
        try straight.run(shouldStop: { false }, report: { _ in })

        let first = try Trainer(plan: plan, data: data, folder: folder.appendingPathComponent("stopped"), resume: false)
        var steps = 0
        try first.run(shouldStop: { steps >= 4 }, report: { if case .step = $0 { steps += 1 } })
        #expect(first.progress.globalStep == 4 && !first.progress.finished)
        let resumed = try Trainer(plan: plan, data: data, folder: folder.appendingPathComponent("stopped"), resume: true)
        #expect(resumed.progress.globalStep == 4)
        try resumed.run(shouldStop: { false }, report: { _ in })
        #expect(resumed.progress.globalStep == 6)
        let a = straight.model.namedTensors, b = resumed.model.namedTensors
        #expect(a.keys.sorted() == b.keys.sorted())
        var identical = true
        for (name, tensor) in a where tensor.scalars != b[name]?.scalars { identical = false; Issue.record("\(name) differs") }
        #expect(identical)
    }

    @Test("a run can start from existing weights, and records their hash")
    func startsFromWeights() throws {
        let folder = try TrainingFixtures.scratch("init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try TrainingPlan.load(TrainingFixtures.smokePlan)
        let data = try loadData(cache: folder.appendingPathComponent("cache"))
        let start = folder.appendingPathComponent("start.safetensors")
        try SyncDefenseModel(configuration: .smoke, source: .random(seed: 99)).save(to: start)
        let trainer = try Trainer(plan: plan, data: data, folder: folder.appendingPathComponent("run"), resume: false, initialWeights: start)
        let expected = try SyncDefenseModel(contentsOf: start).namedTensors
        for (name, tensor) in trainer.model.namedTensors { #expect(tensor.scalars == expected[name]?.scalars, "\(name)") }
        #expect(trainer.progress.initialisedFrom == (try SHA256.hex(fileAt: start)))
        try SyncDefenseModel(configuration: .tiny, source: .random(seed: 1)).save(to: start)
        #expect(throws: TrainingError.self) { _ = try Trainer(plan: plan, data: data, folder: folder.appendingPathComponent("run2"), resume: false, initialWeights: start) }
    }

    @Test("resuming with another plan is refused")
    func resumeChecksThePlan() throws {
        let folder = try TrainingFixtures.scratch("plan")
        defer { try? FileManager.default.removeItem(at: folder) }
        var plan = try TrainingPlan.load(TrainingFixtures.smokePlan)
        plan.stages[0].steps = 2
        let data = try loadData(cache: folder.appendingPathComponent("cache"))
        let run = folder.appendingPathComponent("run")
        var steps = 0
        try Trainer(plan: plan, data: data, folder: run, resume: false).run(shouldStop: { steps >= 1 }, report: { if case .step = $0 { steps += 1 } })
        plan.seed += 1
        #expect(throws: TrainingError.self) { _ = try Trainer(plan: plan, data: data, folder: run, resume: true) }
    }

    @Test("the loss on one repeated batch falls (the CI smoke test's premise)")
    func lossFalls() throws {
        let folder = try TrainingFixtures.scratch("smoke")
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try TrainingPlan.load(TrainingFixtures.smokePlan)
        let trainer = try Trainer(plan: plan, data: try loadData(cache: folder.appendingPathComponent("cache")), folder: folder.appendingPathComponent("run"), resume: false)
        trainer.repeatFirstBatch = true
        var losses: [Float] = []
        try trainer.run(shouldStop: { false }, report: { if case let .step(_, _, _, _, _, loss, _) = $0 { losses.append(loss) } })
        #expect(losses.count == plan.stages[0].steps)
        let first = losses.prefix(3).reduce(0, +) / 3, last = losses.suffix(3).reduce(0, +) / 3
        #expect(last < 0.8 * first, "loss \(first) → \(last)")
    }

    @Test("a malformed manifest names the file and line")
    func badManifest() throws {
        let folder = try TrainingFixtures.scratch("manifest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("manifest.jsonl")
        try Data("{\"path\":\"a.mp4\",\"label\":0,\"kind\":\"genuine\"}\n{\"path\":\"b.mp4\",\"label\":3,\"kind\":\"x\"}\n".utf8).write(to: url)
        #expect(throws: TrainingError.badManifestLine(path: url.path, line: 2, reason: "label must be 0 or 1, not 3")) {
            _ = try TrainingManifest.load(url)
        }
        try Data("not json\n".utf8).write(to: url)
        #expect(throws: TrainingError.self) { _ = try TrainingManifest.load(url) }
    }
}
