import ArgumentParser
import Dispatch
import Foundation
import Model
import Tensor

/// `syncdefense bench ops`: forward-convolution throughput on a preset's shapes, next to
/// the machine's sgemm on the same matrix sizes and PyTorch CPU on the same convolutions.
struct BenchOps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Time a preset's convolutions (seed by default: 64×64 crops, 50 frames) against sgemm and PyTorch CPU."
    )

    @Option(help: "The preset whose convolutions are timed: seed (DESIGN's table) or compact (the shipped model).")
    var preset: String = "seed"

    @Option(help: "Comma-separated thread counts to measure, e.g. 1,2.")
    var threads: String = "1,2"

    @Option(help: "Rounds over all shapes after a warm-up round; the fastest of each measurement counts.")
    var repeats: Int = 5

    @Option(help: "Comma-separated shape names (or prefixes, e.g. visual.stem,audio) to measure; all when omitted.")
    var shapes: String?

    @Flag(help: "Print a JSON array with one object per shape and thread count.")
    var json = false

    func validate() throws {
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--threads must list counts in 1…64, e.g. 1,2")
        }
        guard (1...50).contains(repeats) else { throw ValidationError("--repeats must be 1…50") }
        guard ["seed", "compact"].contains(preset) else { throw ValidationError("--preset must be seed or compact") }
        guard !selectedShapes.isEmpty else {
            throw ValidationError("--shapes matches none of: " + allShapes.map(\.name).joined(separator: ", "))
        }
    }

    private var configuration: ModelConfiguration { preset == "compact" ? .compact : .seed }

    private var allShapes: [ConvShape] { Self.convolutionShapes(configuration) }

    /// The preset's shapes named by `--shapes` (a name or a prefix of one), in the table's order.
    private var selectedShapes: [ConvShape] {
        guard let shapes else { return allShapes }
        let wanted = shapes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return allShapes.filter { shape in wanted.contains { shape.name.hasPrefix($0) } }
    }

    private var threadCounts: [Int] {
        threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// One measured convolution: `x: input, weight → output`, batch 1.
    struct ConvShape: Encodable {
        var name: String
        var input: [Int]
        var weight: [Int]
        var stride: [Int]
        var padding: [Int]

        /// Output spatial extents.
        var output: [Int] {
            (0..<(input.count - 2)).map { (input[$0 + 2] + 2 * padding[$0] - weight[$0 + 2]) / stride[$0] + 1 }
        }
        /// The column-matrix product the convolution reduces to: `(M, K) × (K, N)`.
        var gemm: (m: Int, k: Int, n: Int) {
            (weight[0], weight.dropFirst().reduce(1, *), input[0] * output.reduce(1, *))
        }
        var flops: Double { 2 * Double(gemm.m) * Double(gemm.k) * Double(gemm.n) }
        var label: String {
            let kernel = weight.dropFirst(2).map(String.init).joined(separator: "×")
            let strides = stride.allSatisfy({ $0 == 1 }) ? "" : " s" + stride.map(String.init).joined(separator: "×")
            return "\(name) \(weight[1])→\(weight[0]) k\(kernel)\(strides) @\(input.dropFirst(2).map(String.init).joined(separator: "×"))"
        }
    }

    struct Result: Encodable {
        var shape: String
        var threads: Int
        var ms: Double
        var gflops: Double
        var sgemmMilliseconds: Double
        var sgemmGFLOPs: Double
        var fractionOfSgemm: Double
        var torchMilliseconds: Double?
        var speedupOverTorch: Double?

        enum CodingKeys: String, CodingKey {
            case shape, threads, ms, gflops
            case sgemmMilliseconds = "sgemm_ms"
            case sgemmGFLOPs = "sgemm_gflops"
            case fractionOfSgemm = "fraction_of_sgemm"
            case torchMilliseconds = "torch_ms"
            case speedupOverTorch = "speedup_over_torch"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(shape, forKey: .shape)
            try c.encode(threads, forKey: .threads)
            try c.encode(ms, forKey: .ms)
            try c.encode(gflops, forKey: .gflops)
            try c.encode(sgemmMilliseconds, forKey: .sgemmMilliseconds)
            try c.encode(sgemmGFLOPs, forKey: .sgemmGFLOPs)
            try c.encode(fractionOfSgemm, forKey: .fractionOfSgemm)
            try c.encode(torchMilliseconds, forKey: .torchMilliseconds)  // null when PyTorch is missing
            try c.encode(speedupOverTorch, forKey: .speedupOverTorch)
        }
    }

    /// A preset's convolutions for one 2 s window (DESIGN.md §2): `windowFrames` frames of mouth
    /// crops and the log-mel window. Each distinct shape once: a residual stage's repeated
    /// convolutions share a row, and the artifact branch's temporal-difference path has the raw
    /// path's shapes with one frame fewer. For `seed`, 50 frames of 64×64 and 200×80 log-mel.
    static func convolutionShapes(_ c: ModelConfiguration) -> [ConvShape] {
        func c3(_ name: String, _ cin: Int, _ cout: Int, _ dhw: [Int], k: [Int], s: [Int] = [1, 1, 1], p: [Int]) -> ConvShape {
            ConvShape(name: name, input: [1, cin] + dhw, weight: [cout, cin] + k, stride: s, padding: p)
        }
        func c2(_ name: String, _ cin: Int, _ cout: Int, _ hw: [Int], k: Int, s: [Int] = [1, 1], p: Int) -> ConvShape {
            ConvShape(name: name, input: [1, cin] + hw, weight: [cout, cin, k, k], stride: s, padding: [p, p])
        }
        /// An extent after a kernel `k`, stride `s`, padding `p`.
        func out(_ n: Int, _ k: Int, _ s: Int, _ p: Int) -> Int { (n + 2 * p - k) / s + 1 }
        let t = c.windowFrames
        let v = c.visualStageWidths, a = c.audioStageWidths
        // Visual: stem k7 s2, max pool k3 s2, then stages 2–4 at stride 2 (k3 p1).
        let pooled = [c.cropHeight, c.cropWidth].map { out(out($0, 7, 2, 3), 3, 2, 1) }
        let v2 = pooled.map { out($0, 3, 2, 1) }, v3 = v2.map { out($0, 3, 2, 1) }, v4 = v3.map { out($0, 3, 2, 1) }
        // Audio: stem k7 s2, max pool k3 s2, then stage strides (1,1), (2,2), (2,1), (2,1).
        let a1 = [c.melBands, c.melFrames].map { out(out($0, 7, 2, 3), 3, 2, 1) }
        let a2 = a1.map { out($0, 3, 2, 1) }, a3 = [out(a2[0], 3, 2, 1), a2[1]], a4 = [out(a3[0], 3, 2, 1), a3[1]]
        let half = [c.cropHeight, c.cropWidth].map { out($0, 3, 2, 1) }
        let d = c.modelWidth
        return [
            c3("visual.stem", 3, c.visualStemWidth, [t, c.cropHeight, c.cropWidth], k: [3, 7, 7], s: [1, 2, 2], p: [1, 3, 3]),
            c3("visual.layer1", c.visualStemWidth, v[0], [t] + pooled, k: [3, 3, 3], p: [1, 1, 1]),
            c3("visual.layer2.conv1", v[0], v[1], [t] + pooled, k: [3, 3, 3], s: [1, 2, 2], p: [1, 1, 1]),
            c3("visual.layer2.conv2", v[1], v[1], [t] + v2, k: [3, 3, 3], p: [1, 1, 1]),
            c3("visual.layer2.shortcut", v[0], v[1], [t] + pooled, k: [1, 1, 1], s: [1, 2, 2], p: [0, 0, 0]),
            c3("visual.layer3.conv1", v[1], v[2], [t] + v2, k: [3, 3, 3], s: [1, 2, 2], p: [1, 1, 1]),
            c3("visual.layer3.shortcut", v[1], v[2], [t] + v2, k: [1, 1, 1], s: [1, 2, 2], p: [0, 0, 0]),
            c3("visual.layer3.conv2", v[2], v[2], [t] + v3, k: [3, 3, 3], p: [1, 1, 1]),
            c3("visual.layer4.conv1", v[2], v[3], [t] + v3, k: [3, 3, 3], s: [1, 2, 2], p: [1, 1, 1]),
            c3("visual.layer4.shortcut", v[2], v[3], [t] + v3, k: [1, 1, 1], s: [1, 2, 2], p: [0, 0, 0]),
            c3("visual.layer4.conv2", v[3], v[3], [t] + v4, k: [3, 3, 3], p: [1, 1, 1]),
            c2("audio.stem", 1, c.audioStemWidth, [c.melBands, c.melFrames], k: 7, s: [2, 2], p: 3),
            c2("audio.layer1", c.audioStemWidth, a[0], a1, k: 3, p: 1),
            c2("audio.layer2.conv1", a[0], a[1], a1, k: 3, s: [2, 2], p: 1),
            c2("audio.layer2.conv2", a[1], a[1], a2, k: 3, p: 1),
            c2("audio.layer2.shortcut", a[0], a[1], a1, k: 1, s: [2, 2], p: 0),
            c2("audio.layer3.conv1", a[1], a[2], a2, k: 3, s: [2, 1], p: 1),
            c2("audio.layer3.conv2", a[2], a[2], a3, k: 3, p: 1),
            c2("audio.layer3.shortcut", a[1], a[2], a2, k: 1, s: [2, 1], p: 0),
            c2("audio.layer4.conv1", a[2], a[3], a3, k: 3, s: [2, 1], p: 1),
            c2("audio.layer4.conv2", a[3], a[3], a4, k: 3, p: 1),
            c2("audio.layer4.shortcut", a[2], a[3], a3, k: 1, s: [2, 1], p: 0),
        ] + c.temporalKernelSizes.map { k in
            ConvShape(name: "temporal.k\(k)", input: [1, d, t], weight: [d, d, k], stride: [1], padding: [k / 2])
        } + [
            c3("artifact.raw1", v[3], c.artifactFirstWidth, [t] + v4, k: [3, 3, 3], p: [1, 1, 1]),
            c3("artifact.raw2", c.artifactFirstWidth, c.artifactSecondWidth, [t] + v4, k: [3, 3, 3], p: [1, 1, 1]),
            c3("artifact.hf1", 3, c.artifactHighFrequencyFirstWidth, [t, c.cropHeight, c.cropWidth], k: [3, 3, 3],
               s: [1, 2, 2], p: [1, 1, 1]),
            c3("artifact.hf2", c.artifactHighFrequencyFirstWidth, c.artifactSecondWidth, [t] + half, k: [3, 3, 3],
               s: [1, 2, 2], p: [1, 1, 1]),
        ]
    }

    func run() async throws {
        let shapes = selectedShapes
        let original = Engine.threadCount
        defer { Engine.setThreadCount(original) }
        var generator = Xoshiro256(seed: 1)
        var results: [Result] = []
        var peaks: [(threads: Int, gflops: Double)] = []
        for count in threadCounts {
            Engine.setThreadCount(count)
            let (a, b) = gemmOperands(1024, 1024, 1024, using: &generator)
            let torch = TorchConvolutions.start(shapes: shapes, threads: count)
            defer { torch?.stop() }
            // Per shape: ours, sgemm on the same matrices, PyTorch (when importable).
            var measurements: [[() throws -> Double]] = []
            for (index, shape) in shapes.enumerated() {
                let x = Tensor.uniform(shape.input, in: -1...1, using: &generator)
                let w = Tensor.uniform(shape.weight, in: -0.1...0.1, using: &generator)
                let bias = Tensor.uniform([shape.weight[0]], in: -0.1...0.1, using: &generator)
                let (m, k, n) = shape.gemm
                let (ga, gb) = gemmOperands(m, k, n, using: &generator)
                var row: [() throws -> Double] = [
                    { try timed { _ = try convolve(shape, x, w, bias) } },
                    { try timed { _ = try matmul(ga, gb) } },
                ]
                if let torch { row.append { try torch.seconds(for: String(index)) } }
                measurements.append(row)
            }
            var peak = Double.infinity
            var best = measurements.map { $0.map { _ in Double.infinity } }
            // Rounds over every shape, so that the samples of one measurement are spread over the
            // whole run and a burst of load elsewhere on the machine cannot spoil all of them; the
            // first round warms up. Before each measurement, a pause lets the previous one's idle
            // worker threads (PyTorch's OpenMP pool spins for a while after its work) stop spinning on
            // the cores this one needs.
            for round in 0...repeats {
                try await Task.sleep(nanoseconds: 150_000_000)
                let peakTime = try timed { _ = try matmul(a, b) }
                if round > 0 { peak = min(peak, peakTime) }
                for (i, row) in measurements.enumerated() {
                    for (j, measure) in row.enumerated() {
                        try await Task.sleep(nanoseconds: 150_000_000)
                        let seconds = try measure()
                        if round > 0 { best[i][j] = min(best[i][j], seconds) }
                    }
                }
            }
            peaks.append((count, 2 * 1024 * 1024 * 1024 / peak / 1e9))
            for (shape, times) in zip(shapes, best) {
                let torchMilliseconds = times.count > 2 ? times[2] * 1000 : nil
                results.append(Result(
                    shape: shape.label, threads: count, ms: times[0] * 1000, gflops: shape.flops / times[0] / 1e9,
                    sgemmMilliseconds: times[1] * 1000, sgemmGFLOPs: shape.flops / times[1] / 1e9,
                    fractionOfSgemm: times[1] / times[0], torchMilliseconds: torchMilliseconds,
                    speedupOverTorch: torchMilliseconds.map { $0 / (times[0] * 1000) }))
            }
        }
        if json {
            try JSONOutput.print(results)
        } else {
            report(results, peaks: peaks)
        }
    }

    private func report(_ results: [Result], peaks: [(threads: Int, gflops: Double)]) {
        let c = configuration
        print("Forward convolutions of the \(c.name) preset, batch 1 (2 s window: \(c.windowFrames) frames of \(c.cropHeight)×\(c.cropWidth), "
              + "\(c.melFrames)×\(c.melBands) log-mel); best of \(repeats) rounds.")
        print("sgemm: OpenBLAS on the same (M,K)×(K,N) as the convolution's column matrix, timed in this run.")
        for peak in peaks { print(String(format: "peak sgemm 1024³ at %d thread(s): %.1f GFLOP/s", peak.threads, peak.gflops)) }
        for count in threadCounts {
            let rows = results.filter { $0.threads == count }
            print("\nthreads \(count)")
            print("shape".padding(toLength: 56, withPad: " ", startingAt: 0)
                  + "      ms  GFLOP/s  sgemm GFLOP/s  of sgemm  torch ms  torch/ours")
            for r in rows {
                let torch = r.torchMilliseconds.map { String(format: "%8.2f", $0) } ?? "     n/a"
                let speedup = r.speedupOverTorch.map { String(format: "%9.2f×", $0) } ?? "          "
                print(r.shape.padding(toLength: 56, withPad: " ", startingAt: 0)
                      + String(format: "%8.2f %8.1f %14.1f %8.0f%%  ", r.ms, r.gflops, r.sgemmGFLOPs, 100 * r.fractionOfSgemm)
                      + torch + "  " + speedup)
            }
            let ours = rows.map(\.ms).reduce(0, +), gemm = rows.map(\.sgemmMilliseconds).reduce(0, +)
            var line = String(format: "total: ours %.1f ms, sgemm %.1f ms (%.0f%%)", ours, gemm, 100 * gemm / ours)
            if rows.allSatisfy({ $0.torchMilliseconds != nil }) {
                let torch = rows.compactMap(\.torchMilliseconds).reduce(0, +)
                line += String(format: ", torch %.1f ms (torch/ours %.2f×)", torch, torch / ours)
            }
            print(line)
        }
        if results.allSatisfy({ $0.torchMilliseconds == nil }) {
            print("\nPyTorch not importable by python3: comparison skipped.")
        }
    }

    private func convolve(_ shape: ConvShape, _ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor {
        try withNoGrad {
            switch shape.input.count {
            case 3: return try conv1d(x, weight: w, bias: b, stride: shape.stride[0], padding: shape.padding[0])
            case 4: return try conv2d(x, weight: w, bias: b, stride: (shape.stride[0], shape.stride[1]),
                                      padding: (shape.padding[0], shape.padding[1]))
            default: return try conv3d(x, weight: w, bias: b, stride: (shape.stride[0], shape.stride[1], shape.stride[2]),
                                       padding: (shape.padding[0], shape.padding[1], shape.padding[2]))
            }
        }
    }

    /// Operands of an `(m, k) × (k, n)` product; the engine's `matmul` of 2-D tensors is one
    /// OpenBLAS sgemm call.
    private func gemmOperands(_ m: Int, _ k: Int, _ n: Int, using generator: inout Xoshiro256) -> (Tensor, Tensor) {
        (Tensor.uniform([m, k], in: -1...1, using: &generator), Tensor.uniform([k, n], in: -1...1, using: &generator))
    }

    /// Wall-clock seconds of `body`.
    private func timed(_ body: () throws -> Void) rethrows -> Double {
        let started = DispatchTime.now()
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    }
}

/// PyTorch inputs for every shape in a `PythonTimer`; request `i` runs shape `i`'s convolution
/// once (no grad, the given intra-op thread count).
private enum TorchConvolutions {
    static let script = """
    import sys, json, time
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(int(sys.argv[1]))
    shapes = json.loads(sys.argv[2])
    cases = []
    for s in shapes:
        x, w = torch.rand(s["input"]) * 2 - 1, (torch.rand(s["weight"]) * 2 - 1) * 0.1
        fn = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[len(s["input"])]
        cases.append((fn, x, w, torch.zeros(s["weight"][0]), s["stride"], s["padding"]))
    print("ready", flush=True)
    with torch.no_grad():
        for line in sys.stdin:
            fn, x, w, b, stride, padding = cases[int(line)]
            t = time.perf_counter()
            fn(x, w, b, stride=stride, padding=padding)
            print(time.perf_counter() - t, flush=True)
    """

    /// The running timer, or nil when python3 cannot import torch (the column says n/a).
    static func start(shapes: [BenchOps.ConvShape], threads: Int) -> PythonTimer? {
        guard let encoded = try? JSONEncoder().encode(shapes) else { return nil }
        return try? PythonTimer.start(script: script, arguments: [String(threads), String(decoding: encoded, as: UTF8.self)]).get()
    }
}
