import ArgumentParser
import Dispatch
import Foundation
import Model
import Tensor

/// `syncdefense bench model`: the whole model's forward and training step on one preset, next to
/// PyTorch CPU running the same architecture (a twin built in the same run) where python3 imports torch.
struct BenchModel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Time the model's forward pass (batch 1 and 8) and a batch-8 training step, against PyTorch CPU."
    )

    @Option(help: "The preset: compact (shipped default) or seed.")
    var preset: String = "compact"

    @Option(help: "Threads for the engine's kernels and for PyTorch (default: every core).")
    var threads: Int?

    @Option(help: "Runs of each measurement after one warm-up run; the fastest counts.")
    var repeats: Int = 3

    @Flag(help: "Skip the PyTorch comparison.")
    var noTorch = false

    @Flag(help: "Print JSON: preset, forward_ms_batch1, forward_ms_batch8, train_step_ms_batch8, torch_forward_ms_batch1, ….")
    var json = false

    func validate() throws {
        let c = try modelPreset(named: preset)
        guard c.name != "tiny" else { throw ValidationError("bench model measures compact or seed") }
        guard (1...20).contains(repeats) else { throw ValidationError("--repeats must be 1…20") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be 1…64") }
    }

    struct Result: Encodable {
        var preset: String
        var threads: Int
        var gflopPerWindow: Double
        var forwardMillisecondsBatch1: Double
        var forwardMillisecondsBatch8: Double
        var trainStepMillisecondsBatch8: Double
        var forwardGFLOPsBatch1: Double
        var forwardGFLOPsBatch8: Double
        var torchForwardMillisecondsBatch1: Double?
        var torchForwardMillisecondsBatch8: Double?
        var torchTrainStepMillisecondsBatch8: Double?
        var parameters: Int
        var torchParameters: Int?
        var torch: String
        /// OpenBLAS on a 1024³ product at the same thread count, best of the same rounds: how
        /// much of the machine was left while the model was timed (about 225 on an idle 2-core VM).
        var sgemmGFLOPs: Double

        enum CodingKeys: String, CodingKey {
            case preset, threads, torch, parameters
            case sgemmGFLOPs = "sgemm_1024_gflops"
            case torchParameters = "torch_parameters"
            case gflopPerWindow = "gflop_per_window"
            case forwardMillisecondsBatch1 = "forward_ms_batch1"
            case forwardMillisecondsBatch8 = "forward_ms_batch8"
            case trainStepMillisecondsBatch8 = "train_step_ms_batch8"
            case forwardGFLOPsBatch1 = "forward_gflops_batch1"
            case forwardGFLOPsBatch8 = "forward_gflops_batch8"
            case torchForwardMillisecondsBatch1 = "torch_forward_ms_batch1"
            case torchForwardMillisecondsBatch8 = "torch_forward_ms_batch8"
            case torchTrainStepMillisecondsBatch8 = "torch_train_step_ms_batch8"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(preset, forKey: .preset)
            try c.encode(threads, forKey: .threads)
            try c.encode(gflopPerWindow, forKey: .gflopPerWindow)
            try c.encode(forwardMillisecondsBatch1, forKey: .forwardMillisecondsBatch1)
            try c.encode(forwardMillisecondsBatch8, forKey: .forwardMillisecondsBatch8)
            try c.encode(trainStepMillisecondsBatch8, forKey: .trainStepMillisecondsBatch8)
            try c.encode(forwardGFLOPsBatch1, forKey: .forwardGFLOPsBatch1)
            try c.encode(forwardGFLOPsBatch8, forKey: .forwardGFLOPsBatch8)
            try c.encode(torchForwardMillisecondsBatch1, forKey: .torchForwardMillisecondsBatch1) // null when skipped
            try c.encode(torchForwardMillisecondsBatch8, forKey: .torchForwardMillisecondsBatch8)
            try c.encode(torchTrainStepMillisecondsBatch8, forKey: .torchTrainStepMillisecondsBatch8)
            try c.encode(parameters, forKey: .parameters)
            try c.encode(torchParameters, forKey: .torchParameters)
            try c.encode(torch, forKey: .torch)
            try c.encode(sgemmGFLOPs, forKey: .sgemmGFLOPs)
        }
    }

    func run() async throws {
        let c = try modelPreset(named: preset)
        let original = Engine.threadCount
        let threadCount = threads ?? original
        Engine.setThreadCount(threadCount)
        defer { Engine.setThreadCount(original) }
        let model = try SyncDefenseModel(configuration: c, source: .random(seed: 1))
        let one = randomBatch(c, batch: 1, seed: 2), eight = randomBatch(c, batch: 8, seed: 3)
        let targets = syntheticTargets(c, batch: 8)

        // Ours and PyTorch's twin alternate within every round (the twin's process is started
        // first and kept), so that both see the same load on a shared machine; round 0 warms up.
        var twin: PythonTimer?
        var torchStatus = "skipped: --no-torch"
        if !noTorch {
            switch TorchModelTwin.start(configuration: c, threads: threadCount) {
            case let .success(timer):
                twin = timer
                let twinParameters = timer.readyWords.first.flatMap { Int($0) } ?? -1
                torchStatus = twinParameters == model.parameterCount
                    ? "measured" : "measured (twin has \(twinParameters) parameters, ours \(model.parameterCount))"
            case let .failure(reason):
                torchStatus = "skipped: \(reason.message)"
            }
        }
        defer { twin?.stop() }
        let ours: [() throws -> Double] = [
            { try timed { _ = try withNoGrad { try model(video: one.video, mel: one.mel, training: false) } } },
            { try timed { _ = try withNoGrad { try model(video: eight.video, mel: eight.mel, training: false) } } },
            {
                try timed {
                    for p in model.parameters { p.zeroGrad() }
                    let outputs = try model(video: eight.video, mel: eight.mel, training: true)
                    try TrainingLoss.total(outputs, targets).total.backward()
                }
            },
        ]
        var best = [Double](repeating: .infinity, count: ours.count), torchBest = best
        var generator = Xoshiro256(seed: 4)
        let a = Tensor.uniform([1024, 1024], in: -1...1, using: &generator), b = Tensor.uniform([1024, 1024], in: -1...1, using: &generator)
        var sgemmBest = Double.infinity
        for round in 0...repeats {
            try await Task.sleep(nanoseconds: 150_000_000)
            let sgemmSeconds = try timed { _ = try matmul(a, b) }
            if round > 0 { sgemmBest = min(sgemmBest, sgemmSeconds) }
            for (i, measure) in ours.enumerated() {
                // A pause before each measurement lets the other side's worker threads (PyTorch's
                // OpenMP pool spins for a while after its work) go idle first.
                try await Task.sleep(nanoseconds: 150_000_000)
                let seconds = try measure()
                if round > 0 { best[i] = min(best[i], seconds) }
                guard let twin else { continue }
                try await Task.sleep(nanoseconds: 150_000_000)
                let torchSeconds = try twin.seconds(for: TorchModelTwin.requests[i])
                if round > 0 { torchBest[i] = min(torchBest[i], torchSeconds) }
            }
        }
        let flops = Double(c.flopsPerWindow())
        let torchMilliseconds = twin == nil ? [nil, nil, nil] : torchBest.map { Optional($0 * 1000) }
        let result = Result(
            preset: c.name, threads: threadCount, gflopPerWindow: flops / 1e9,
            forwardMillisecondsBatch1: best[0] * 1000, forwardMillisecondsBatch8: best[1] * 1000,
            trainStepMillisecondsBatch8: best[2] * 1000,
            forwardGFLOPsBatch1: flops / best[0] / 1e9, forwardGFLOPsBatch8: 8 * flops / best[1] / 1e9,
            torchForwardMillisecondsBatch1: torchMilliseconds[0], torchForwardMillisecondsBatch8: torchMilliseconds[1],
            torchTrainStepMillisecondsBatch8: torchMilliseconds[2],
            parameters: model.parameterCount, torchParameters: twin?.readyWords.first.flatMap { Int($0) }, torch: torchStatus,
            sgemmGFLOPs: 2 * 1024 * 1024 * 1024 / sgemmBest / 1e9)
        if json { return try JSONOutput.print(result) }
        report(result, c)
    }

    private func report(_ r: Result, _ c: ModelConfiguration) {
        print("Model \(r.preset): \(c.windowFrames) frames of \(c.cropHeight)×\(c.cropWidth), \(c.melFrames)×\(c.melBands) log-mel per window; "
              + String(format: "%.3f GFLOP forward per window; %d threads; best of %d.", r.gflopPerWindow, r.threads, repeats))
        func torch(_ value: Double?, _ ours: Double) -> String {
            guard let value else { return "" }
            return String(format: "   torch %9.1f ms (torch/ours %.2f×)", value, value / ours)
        }
        print(String(format: "forward, batch 1      %9.1f ms  %6.1f GFLOP/s", r.forwardMillisecondsBatch1, r.forwardGFLOPsBatch1)
              + torch(r.torchForwardMillisecondsBatch1, r.forwardMillisecondsBatch1))
        print(String(format: "forward, batch 8      %9.1f ms  %6.1f GFLOP/s  (%.1f ms per window)", r.forwardMillisecondsBatch8,
                     r.forwardGFLOPsBatch8, r.forwardMillisecondsBatch8 / 8)
              + torch(r.torchForwardMillisecondsBatch8, r.forwardMillisecondsBatch8))
        print(String(format: "train step, batch 8   %9.1f ms  (forward + losses + backward)", r.trainStepMillisecondsBatch8)
              + torch(r.torchTrainStepMillisecondsBatch8, r.trainStepMillisecondsBatch8))
        if r.torch != "measured" { print("PyTorch \(r.torch)") } else { print("PyTorch twin: same parameter count (\(r.parameters)).") }
        print(String(format: "sgemm 1024³ in the same rounds: %.1f GFLOP/s at %d threads (what the machine had left)", r.sgemmGFLOPs, r.threads))
    }

    private func randomBatch(_ c: ModelConfiguration, batch: Int, seed: UInt64) -> (video: Tensor, mel: Tensor) {
        var generator = Xoshiro256(seed: seed)
        return (Tensor.uniform([batch, 3, c.windowFrames, c.cropHeight, c.cropWidth], in: -1...1, using: &generator),
                Tensor.normal([batch, 1, c.melBands, c.melFrames], using: &generator))
    }

    /// Half the batch genuine and fully labelled, half fake with every other frame labelled.
    private func syntheticTargets(_ c: ModelConfiguration, batch: Int) -> TrainingTargets {
        let t = c.windowFrames
        let fake = (0..<batch).map { $0 % 2 == 1 }
        return TrainingTargets(
            clip: Tensor(shape: [batch]) { fake[$0] ? 1 : 0 },
            sync: Tensor(shape: [batch, t]) { fake[$0 / t] ? 0 : 1 },
            syncMask: Tensor(shape: [batch, t]) { fake[$0 / t] && $0 % 2 == 1 ? 0 : 1 },
            artifact: Tensor(shape: [batch, t]) { fake[$0 / t] ? 1 : 0 },
            artifactMask: Tensor(repeating: 1, shape: [batch, t]),
            genuine: fake.map { !$0 })
    }

    private func timed(_ body: () throws -> Void) rethrows -> Double {
        let started = DispatchTime.now()
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    }
}

/// The PyTorch twin of the architecture (same configuration, random weights) in a `PythonTimer`:
/// it answers `forward1`, `forward8` (no grad, evaluation mode) and `train8` (training mode,
/// forward, the losses and backward) with the seconds one run took; its ready line carries its
/// parameter count.
enum TorchModelTwin {
    /// The request for each of the benchmark's measurements, in its order.
    static let requests = ["forward1", "forward8", "train8"]

    static func start(configuration: ModelConfiguration, threads: Int) -> Result<PythonTimer, PythonTimer.StartFailure> {
        guard let config = try? configuration.jsonString() else { return .failure(.failed("configuration not encodable")) }
        return PythonTimer.start(script: script, arguments: [String(threads), config])
    }

    /// DESIGN §2's architecture in PyTorch, built from the Swift configuration's JSON; the same
    /// blocks as `Sources/Model` (see Docs/model.md for the choices the table leaves open).
    static let script = #"""
    import sys, json, time
    import torch, torch.nn as nn, torch.nn.functional as F
    torch.set_num_threads(int(sys.argv[1]))
    c = json.loads(sys.argv[2])
    torch.manual_seed(0)

    class Res(nn.Module):
        def __init__(s, dims, cin, cout, stride):
            super().__init__()
            Conv, BN = (nn.Conv3d, nn.BatchNorm3d) if dims == 3 else (nn.Conv2d, nn.BatchNorm2d)
            s.conv1, s.bn1 = Conv(cin, cout, 3, stride, 1, bias=False), BN(cout)
            s.conv2, s.bn2 = Conv(cout, cout, 3, 1, 1, bias=False), BN(cout)
            s.short = nn.Sequential(Conv(cin, cout, 1, stride, 0, bias=False), BN(cout)) \
                if cin != cout or any(x != 1 for x in stride) else None
        def forward(s, x):
            y = s.bn2(s.conv2(F.relu(s.bn1(s.conv1(x)))))
            return F.relu(y + (s.short(x) if s.short is not None else x))

    class Path(nn.Module):
        def __init__(s, cin, hidden, cout, stride):
            super().__init__()
            s.net = nn.Sequential(nn.Conv3d(cin, hidden, 3, stride, 1, bias=False), nn.BatchNorm3d(hidden), nn.ReLU(),
                                  nn.Conv3d(hidden, cout, 3, stride, 1, bias=False), nn.BatchNorm3d(cout), nn.ReLU())
        def forward(s, x): return s.net(x)

    class Model(nn.Module):
        def __init__(s):
            super().__init__()
            d, h, r = c["modelWidth"], c["heads"], c["residualBlocksPerStage"]
            vw, aw = c["visualStageWidths"], c["audioStageWidths"]
            s.vstem = nn.Sequential(nn.Conv3d(3, c["visualStemWidth"], (3, 7, 7), (1, 2, 2), (1, 3, 3), bias=False),
                                    nn.BatchNorm3d(c["visualStemWidth"]), nn.ReLU(), nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1)))
            blocks, cin = [], c["visualStemWidth"]
            for i, w in enumerate(vw):
                for j in range(r):
                    blocks.append(Res(3, cin, w, (1, 2, 2) if i > 0 and j == 0 else (1, 1, 1))); cin = w
            s.vblocks, s.vdrop = nn.Sequential(*blocks), nn.Dropout3d(c["encoderDropout"])
            s.astem = nn.Sequential(nn.Conv2d(1, c["audioStemWidth"], 7, 2, 3, bias=False), nn.BatchNorm2d(c["audioStemWidth"]),
                                    nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            blocks, cin = [], c["audioStemWidth"]
            for i, w in enumerate(aw):
                for j in range(r):
                    blocks.append(Res(2, cin, w, [(1, 1), (2, 2), (2, 1), (2, 1)][i] if j == 0 else (1, 1))); cin = w
            s.ablocks, s.adrop = nn.Sequential(*blocks), nn.Dropout(c["encoderDropout"])
            s.vproj, s.aproj = nn.Linear(vw[-1], d), nn.Linear(aw[-1], d)
            s.v2a, s.a2v = nn.MultiheadAttention(d, h, batch_first=True), nn.MultiheadAttention(d, h, batch_first=True)
            s.gate = nn.Sequential(nn.Linear(2 * d, d), nn.GELU(), nn.Linear(d, 1))
            s.fuse = nn.Linear(d, d)
            ks = c["temporalKernelSizes"]
            s.convs = nn.ModuleList([nn.Sequential(nn.Conv1d(d, d, k, 1, k // 2, bias=False), nn.BatchNorm1d(d), nn.GELU()) for k in ks])
            s.merge = nn.Linear(d * len(ks), d)
            s.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
            layer = nn.TransformerEncoderLayer(d, h, c["feedForwardWidth"], c["transformerDropout"], activation="gelu",
                                               batch_first=True, norm_first=True)
            s.encoder = nn.TransformerEncoder(layer, c["transformerLayers"], enable_nested_tensor=False)
            s.norm = nn.LayerNorm(d)
            a1, ahf, a2 = c["artifactFirstWidth"], c["artifactHighFrequencyFirstWidth"], c["artifactSecondWidth"]
            s.raw, s.diff = Path(vw[-1], a1, a2, 1), Path(vw[-1], a1, a2, 1)
            s.hf = Path(3, ahf, a2, (1, 2, 2))
            s.register_buffer("lap", torch.tensor([[0., 1, 0], [1, -4, 1], [0, 1, 0]]).view(1, 1, 3, 3))
            s.score = nn.Linear(3 * a2, 1)
            s.afuse = nn.Sequential(nn.Linear(3 * a2 + d, c["artifactHiddenWidth"]), nn.GELU(),
                                    nn.Linear(c["artifactHiddenWidth"], c["artifactWidth"]))
            s.head = nn.Sequential(nn.Linear(d + c["artifactWidth"], c["headHiddenWidth"]), nn.GELU(),
                                   nn.Dropout(c["headDropout"]), nn.LayerNorm(c["headHiddenWidth"]), nn.Linear(c["headHiddenWidth"], 1))
            s.sync = nn.Linear(d, 1)

        def forward(s, video, mel):
            b, _, t, hh, ww = video.shape
            fmap = s.vdrop(s.vblocks(s.vstem(video)))
            v = s.vproj(fmap.mean((3, 4)).transpose(1, 2))
            a = s.aproj(s.adrop(s.ablocks(s.astem(mel))).mean(2).transpose(1, 2))
            a = F.interpolate(a.transpose(1, 2), size=t, mode="linear", align_corners=False).transpose(1, 2)
            return fmap, v, a

        def rest(s, video, fmap, v, a):
            b, t, d = v.shape
            v2a, w_va = s.v2a(v, a, a, average_attn_weights=False)
            a2v, w_av = s.a2v(a, v, v, average_attn_weights=False)
            vo, ao = v + v2a, a + a2v
            g = torch.sigmoid(s.gate(torch.cat([vo, ao], 2)))
            x = F.relu(s.fuse(g * vo + (1 - g) * ao))
            ch = x.transpose(1, 2)
            x = x + s.merge(torch.cat([m(ch) for m in s.convs], 1).transpose(1, 2))
            hseq = s.norm(s.encoder(torch.cat([s.cls.expand(b, 1, d), x], 1)))
            cls, frames = hseq[:, 0], hseq[:, 1:]
            rawm = s.raw(fmap)
            diffm = s.diff(fmap[:, :, 1:] - fmap[:, :, :-1])
            diffm = torch.cat([torch.zeros_like(diffm[:, :, :1]), diffm], 2)
            lap = F.conv2d(video.reshape(-1, 1, *video.shape[3:]), s.lap, padding=1).view_as(video)
            hfm = s.hf(lap)
            size = hfm.shape[2:]
            up = lambda m: F.interpolate(m, size=size, mode="trilinear", align_corners=False)
            pooled = torch.cat([m.mean((2, 3, 4)) for m in (rawm, diffm, hfm)], 1)
            amap = s.score(torch.cat([up(rawm), up(diffm), hfm], 1).permute(0, 2, 3, 4, 1)).squeeze(4)
            art = s.afuse(torch.cat([pooled, cls], 1))
            logit = s.head(torch.cat([cls, art], 1)).squeeze(1)
            return logit, s.sync(frames).squeeze(2), amap.mean((2, 3))

        def run(s, video, mel):
            fmap, v, a = s.forward(video, mel)
            return s.rest(video, fmap, v, a) + (v, a)

    model = Model()
    def batch(n):
        return (torch.rand(n, 3, c["windowFrames"], c["cropHeight"], c["cropWidth"]) * 2 - 1,
                torch.randn(n, 1, c["melBands"], c["melFrames"]))
    x1, x8 = batch(1), batch(8)
    T = c["windowFrames"]; K = min(15, (T - 1) // 2)
    fake = torch.tensor([i % 2 == 1 for i in range(8)])
    def forward(x):
        model.eval()
        with torch.no_grad():
            model.run(*x)
    def step():
        model.train()
        model.zero_grad(set_to_none=True)
        logit, sync, art, v, a = model.run(*x8)
        y = fake.float()
        loss = F.binary_cross_entropy_with_logits(logit, y)
        loss = loss + 0.5 * F.binary_cross_entropy_with_logits(sync, (1 - y)[:, None].expand_as(sync))
        loss = loss + 0.5 * F.binary_cross_entropy_with_logits(art, y[:, None].expand_as(art))
        vn, an = F.normalize(v[~fake], dim=-1), F.normalize(a[~fake], dim=-1)
        n = T - 2 * K
        sims = torch.stack([(vn[:, K:K + n] * an[:, K + s:K + s + n]).sum(-1) for s in range(-K, K + 1)], 2) / 0.07
        loss = loss + 0.1 * F.cross_entropy(sims.reshape(-1, 2 * K + 1), torch.full((sims.shape[0] * n,), K))
        loss.backward()
    runs = {"forward1": lambda: forward(x1), "forward8": lambda: forward(x8), "train8": step}
    print("ready", sum(p.numel() for p in model.parameters()), flush=True)
    for line in sys.stdin:
        fn = runs[line.strip()]
        t0 = time.perf_counter(); fn(); print(time.perf_counter() - t0, flush=True)
    """#
}
