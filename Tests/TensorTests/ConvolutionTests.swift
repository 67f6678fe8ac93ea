import Testing
@testable import Tensor

/// Direct 3-D cross-correlation by loops over every output and kernel position.
func referenceConv3d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride s: [Int], padding p: [Int]) -> (shape: [Int], values: [Double]) {
    let (b, c, d, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
    let (m, kd, kh, kw) = (w.shape[0], w.shape[2], w.shape[3], w.shape[4])
    let od = (d + 2 * p[0] - kd) / s[0] + 1, oh = (h + 2 * p[1] - kh) / s[1] + 1, ow = (wd + 2 * p[2] - kw) / s[2] + 1
    let xs = x.scalars, ws = w.scalars, bs = bias?.scalars
    var out: [Double] = []
    for n in 0..<b { for o in 0..<m { for z in 0..<od { for y in 0..<oh { for xx in 0..<ow {
        var sum = Double(bs?[o] ?? 0)
        for ci in 0..<c { for i in 0..<kd { for j in 0..<kh { for k in 0..<kw {
            let iz = z * s[0] - p[0] + i, iy = y * s[1] - p[1] + j, ix = xx * s[2] - p[2] + k
            if iz < 0 || iz >= d || iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
            sum += Double(xs[(((n * c + ci) * d + iz) * h + iy) * wd + ix]) * Double(ws[(((o * c + ci) * kd + i) * kh + j) * kw + k])
        } } } }
        out.append(sum)
    } } } } }
    return ([b, m, od, oh, ow], out)
}

/// The gradients of `referenceConv3d` (no bias) for an output gradient `gy`, by the definition:
/// every product `x · w` of the forward sum sends `gy · w` to `x` and `gy · x` to `w`.
func referenceConv3dGradients(_ x: Tensor, _ w: Tensor, _ gy: Tensor, stride s: [Int], padding p: [Int]) -> (gx: [Double], gw: [Double]) {
    let (b, c, d, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
    let (m, kd, kh, kw) = (w.shape[0], w.shape[2], w.shape[3], w.shape[4])
    let (od, oh, ow) = (gy.shape[2], gy.shape[3], gy.shape[4])
    let xs = x.scalars, ws = w.scalars, gs = gy.scalars
    var gx = [Double](repeating: 0, count: xs.count), gw = [Double](repeating: 0, count: ws.count)
    for n in 0..<b { for o in 0..<m { for z in 0..<od { for y in 0..<oh { for xx in 0..<ow {
        let g = Double(gs[(((n * m + o) * od + z) * oh + y) * ow + xx])
        for ci in 0..<c { for i in 0..<kd { for j in 0..<kh { for k in 0..<kw {
            let iz = z * s[0] - p[0] + i, iy = y * s[1] - p[1] + j, ix = xx * s[2] - p[2] + k
            if iz < 0 || iz >= d || iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
            let xi = (((n * c + ci) * d + iz) * h + iy) * wd + ix, wi = (((o * c + ci) * kd + i) * kh + j) * kw + k
            gx[xi] += g * Double(ws[wi])
            gw[wi] += g * Double(xs[xi])
        } } } }
    } } } } }
    return (gx, gw)
}

@Suite struct ConvolutionTests {
    @Test(arguments: [
        // (input, kernel, stride, padding)
        ([2, 3, 4, 9, 8], [5, 3, 3, 3, 3], [1, 1, 1], [1, 1, 1]),
        ([1, 3, 5, 12, 12], [4, 3, 3, 7, 7], [1, 2, 2], [1, 3, 3]),
        ([2, 4, 3, 6, 6], [6, 4, 1, 1, 1], [1, 1, 1], [0, 0, 0]),
        ([2, 4, 3, 6, 7], [6, 4, 1, 1, 1], [1, 2, 2], [0, 0, 0]),
        ([1, 2, 6, 5, 5], [3, 2, 3, 2, 3], [2, 1, 3], [0, 1, 1]),
    ])
    func conv3dForward(input: [Int], kernel: [Int], stride: [Int], padding: [Int]) throws {
        let x = randomTensor(input, seed: 61), w = randomTensor(kernel, seed: 62), bias = randomTensor([kernel[0]], seed: 63)
        let y = try conv3d(x, weight: w, bias: bias, stride: (stride[0], stride[1], stride[2]), padding: (padding[0], padding[1], padding[2]))
        let reference = referenceConv3d(x, w, bias, stride: stride, padding: padding)
        expectClose("conv3d \(input)*\(kernel) s\(stride) p\(padding)", y, reference.values, shape: reference.shape)
    }

    @Test func conv3dBackward() throws {
        let x = randomTensor([2, 2, 3, 5, 4], seed: 64), w = randomTensor([3, 2, 3, 3, 3], seed: 65), b = randomTensor([3], seed: 66)
        try checkGradients("conv3d", [x, w, b]) { try conv3d($0[0], weight: $0[1], bias: $0[2], padding: (1, 1, 1)) }
        try checkGradients("conv3d strided", [x, randomTensor([3, 2, 1, 3, 3], seed: 67)]) {
            try conv3d($0[0], weight: $0[1], stride: (1, 2, 2), padding: (0, 1, 1))
        }
        try checkGradients("conv3d pointwise", [x, randomTensor([3, 2, 1, 1, 1], seed: 68), b]) {
            try conv3d($0[0], weight: $0[1], bias: $0[2])
        }
        try checkGradients("conv3d pointwise strided", [x, randomTensor([3, 2, 1, 1, 1], seed: 69)]) {
            try conv3d($0[0], weight: $0[1], stride: (1, 2, 2))
        }
    }

    @Test func conv3dColumnTiles() throws {
        // A temporally strided kernel takes the 3-D vol2col path (neither Winograd nor temporal
        // taps), with enough rows × output depth for several column tiles.
        let g = ConvGeometry(inChannels: 64, outChannels: 2, input: [16, 20, 20], kernel: [2, 5, 5], stride: [2, 1, 1], padding: [1, 2, 2])
        #expect(!Kernels.winogradApplies(g) && !Kernels.temporalTapsApply(g))
        #expect(Kernels.depthTiles(g).count > 1)
        let x = randomTensor([1, 64, 16, 20, 20], seed: 70), w = randomTensor([2, 64, 2, 5, 5], seed: 71)
        let y = try conv3d(x, weight: w, stride: (2, 1, 1), padding: (1, 2, 2))
        let reference = referenceConv3d(x, w, nil, stride: [2, 1, 1], padding: [1, 2, 2])
        expectClose("conv3d column tiles", y, reference.values, shape: reference.shape)
        // The tiled backward pass: ⟨conv(x, w), r⟩ = ⟨x, gx⟩ = ⟨w, gw⟩ (linear in each).
        let leafX = x.requiringGrad(), leafW = w.requiringGrad()
        let r = randomTensor(y.shape, seed: 72)
        let grads = try (try conv3d(leafX, weight: leafW, stride: (2, 1, 1), padding: (1, 2, 2)) * r).sum().backward()
        func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        let value = dot(y, r), viaX = dot(x, grads[leafX]!), viaW = dot(w, grads[leafW]!)
        print("column tiles adjoint: ⟨y,r⟩ \(value), ⟨x,gx⟩ \(viaX), ⟨w,gw⟩ \(viaW)")
        #expect(Swift.abs(value - viaX) < 1e-4 * Swift.abs(value) && Swift.abs(value - viaW) < 1e-4 * Swift.abs(value))
    }

    @Test(arguments: [
        // (input, kernel, padding) for 3×3 stride-1 kernels, each computed by F(2×2, 3×3) and by
        // F(4×4, 3×3): outputs that fill the tiles and outputs that leave rows or columns over,
        // channel counts off the SIMD width, 1–3 temporal taps.
        ([2, 3, 4, 9, 8], [5, 3, 3, 3, 3], [1, 1, 1]),
        ([1, 4, 5, 7, 7], [3, 4, 3, 3, 3], [0, 0, 0]),
        ([1, 4, 5, 11, 13], [3, 4, 3, 3, 3], [0, 0, 0]),
        ([1, 4, 5, 6, 5], [3, 4, 3, 3, 3], [2, 2, 2]),
        ([1, 5, 5, 6, 5], [6, 5, 3, 3, 3], [2, 2, 2]),
        ([2, 5, 1, 10, 11], [7, 5, 1, 3, 3], [0, 1, 1]),
        ([1, 3, 6, 2, 2], [4, 3, 3, 3, 3], [1, 1, 1]),
        ([1, 2, 4, 3, 4], [2, 2, 2, 3, 3], [1, 0, 2]),
        ([1, 2, 4, 17, 6], [2, 2, 2, 3, 3], [1, 0, 2]),
    ])
    func winogradForward(input: [Int], kernel: [Int], padding: [Int]) throws {
        let x = randomTensor(input, seed: 85), w = randomTensor(kernel, seed: 86), bias = randomTensor([kernel[0]], seed: 87)
        let geometry = ConvGeometry(inChannels: input[1], outChannels: kernel[0], input: Array(input.dropFirst(2)),
                                    kernel: Array(kernel.dropFirst(2)), stride: [1, 1, 1], padding: padding)
        #expect(Kernels.winogradSupports(geometry))
        let reference = referenceConv3d(x, w, bias, stride: [1, 1, 1], padding: padding)
        // The kernels themselves, whatever size the forward pass would choose them for.
        for (name, forward) in [("F(2×2, 3×3)", Kernels.winogradForward), ("F(4×4, 3×3)", Kernels.winograd4Forward)] {
            let y = Tensor.make(reference.shape) { out in
                x.withUnsafeBufferPointer { px in
                    w.withUnsafeBufferPointer { pw in
                        bias.withUnsafeBufferPointer { pb in
                            forward(px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out, input[0], geometry)
                        }
                    }
                }
            }
            expectClose("winograd \(name) conv3d \(input)*\(kernel) p\(padding)", y, reference.values, shape: reference.shape)
        }
    }

    @Test func temporalTapsSpanSeveralTiles() throws {
        // Frames of 8·7·7 rows × 40·40 columns: a few frames per column tile, so the per-tap
        // sgemms cross tile boundaries.
        let g = ConvGeometry(inChannels: 8, outChannels: 2, input: [12, 40, 40], kernel: [3, 7, 7], stride: [1, 1, 1], padding: [1, 3, 3])
        #expect(Kernels.temporalTapsApply(g))
        let framesPerTile = Kernels.columnTileBudget / (Kernels.frameGeometry(g).rows * g.outputPlane)
        #expect(framesPerTile < g.input[0])
        let x = randomTensor([1, 8, 12, 40, 40], seed: 95), w = randomTensor([2, 8, 3, 7, 7], seed: 96), b = randomTensor([2], seed: 97)
        let reference = referenceConv3d(x, w, b, stride: [1, 1, 1], padding: [1, 3, 3])
        expectClose("conv3d temporal taps over tiles", try conv3d(x, weight: w, bias: b, padding: (1, 3, 3)), reference.values,
                    shape: reference.shape)
        // The tiled backward pass: the convolution is linear in x and in w, so
        // ⟨conv(x, w), r⟩ = ⟨x, gx⟩ = ⟨w, gw⟩.
        let leafX = x.requiringGrad(), leafW = w.requiringGrad()
        let y = try conv3d(leafX, weight: leafW, padding: (1, 3, 3))
        let r = randomTensor(y.shape, seed: 98)
        let grads = try (y * r).sum().backward()
        func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        let value = dot(y, r), viaX = dot(x, grads[leafX]!), viaW = dot(w, grads[leafW]!)
        print("temporal taps adjoint: ⟨y,r⟩ \(value), ⟨x,gx⟩ \(viaX), ⟨w,gw⟩ \(viaW)")
        #expect(Swift.abs(value - viaX) < 1e-4 * Swift.abs(value) && Swift.abs(value - viaW) < 1e-4 * Swift.abs(value))
    }

    @Test(arguments: [2, Kernels.stackedTapsLimit, Kernels.stackedTapsLimit + 1])
    func temporalTapsAllTapsInOneProductOrOneEach(outChannels: Int) throws {
        // Up to `stackedTapsLimit` output channels every tap goes through one sgemm; above, one each.
        let g = ConvGeometry(inChannels: 3, outChannels: outChannels, input: [5, 11, 12], kernel: [3, 5, 5], stride: [1, 2, 2],
                             padding: [1, 2, 2])
        #expect(Kernels.temporalTapsApply(g) && !Kernels.winogradApplies(g))
        let x = randomTensor([2, 3, 5, 11, 12], seed: 120), w = randomTensor([outChannels, 3, 3, 5, 5], seed: 121)
        let b = randomTensor([outChannels], seed: 122)
        let reference = referenceConv3d(x, w, b, stride: [1, 2, 2], padding: [1, 2, 2])
        expectClose("conv3d temporal taps, \(outChannels) outputs", try conv3d(x, weight: w, bias: b, stride: (1, 2, 2), padding: (1, 2, 2)),
                    reference.values, shape: reference.shape)
    }

    @Test(arguments: [1, 2, 3, 7])
    func stackedTapsOverFrameTiles(framesPerTile: Int) throws {
        // Frame tiles of 1, 2, 3 and all 7 frames: each output depth gathers its taps from
        // neighbouring tiles, at both temporal edges (padding 1 and 2) and inside.
        for pd in [1, 2] {
            let g = ConvGeometry(inChannels: 3, outChannels: 4, input: [7, 9, 10], kernel: [3, 5, 5], stride: [1, 2, 2],
                                 padding: [pd, 2, 2])
            let x = randomTensor([2, 3, 7, 9, 10], seed: 130), w = randomTensor([4, 3, 3, 5, 5], seed: 131)
            let b = randomTensor([4], seed: 132)
            let reference = referenceConv3d(x, w, b, stride: [1, 2, 2], padding: [pd, 2, 2])
            let y = Tensor.make(reference.shape) { out in
                x.withUnsafeBufferPointer { px in
                    w.withUnsafeBufferPointer { pw in
                        b.withUnsafeBufferPointer { pb in
                            Kernels.stackedTapForward(px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out, batch: 2, g,
                                                      framesPerTile: framesPerTile)
                        }
                    }
                }
            }
            expectClose("stacked taps, \(framesPerTile)-frame tiles, temporal padding \(pd)", y, reference.values,
                        shape: reference.shape)
        }
    }

    /// `(gx, gw)` of ``Kernels/stackedTapBackward`` for a batch of 2. `gx` is added to (it starts
    /// at zero); `gw` is overwritten (it starts at NaN, so a weight the pass skips shows).
    func stackedTapGradients(_ x: Tensor, _ w: Tensor, _ gy: Tensor, _ g: ConvGeometry, framesPerTile: Int,
                             ranges: Int? = nil) -> (gx: [Float], gw: [Float]) {
        var gx = [Float](repeating: 0, count: x.count), gw = [Float](repeating: .nan, count: w.count)
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                gy.withUnsafeBufferPointer { pg in
                    gx.withUnsafeMutableBufferPointer { pgx in
                        gw.withUnsafeMutableBufferPointer { pgw in
                            Kernels.stackedTapBackward(px.baseAddress!, pw.baseAddress!, pg.baseAddress!, gx: pgx.baseAddress!,
                                                       gw: pgw.baseAddress!, batch: 2, g, framesPerTile: framesPerTile, ranges: ranges)
                        }
                    }
                }
            }
        }
        return (gx, gw)
    }

    @Test(arguments: [1, 2, 3, 7])
    func stackedTapBackwardOverFrameTiles(framesPerTile: Int) throws {
        // The stacked backward pass in tiles of 1, 2, 3 and all 7 frames, with temporal padding
        // 0 (frames at the start feed no output of their late taps), 1 and 2, against the definition.
        for pd in [0, 1, 2] {
            let g = ConvGeometry(inChannels: 3, outChannels: 4, input: [7, 9, 10], kernel: [3, 5, 5], stride: [1, 2, 2],
                                 padding: [pd, 2, 2])
            let x = randomTensor([2, 3, 7, 9, 10], seed: 140), w = randomTensor([4, 3, 3, 5, 5], seed: 141)
            let gy = randomTensor([2, 4] + g.output, seed: 142)
            let reference = referenceConv3dGradients(x, w, gy, stride: [1, 2, 2], padding: [pd, 2, 2])
            let (gx, gw) = stackedTapGradients(x, w, gy, g, framesPerTile: framesPerTile)
            expectClose("stacked tap input gradient, \(framesPerTile)-frame tiles, temporal padding \(pd)",
                        try Tensor(shape: x.shape, scalars: gx), reference.gx)
            expectClose("stacked tap weight gradient, \(framesPerTile)-frame tiles, temporal padding \(pd)",
                        try Tensor(shape: w.shape, scalars: gw), reference.gw)
        }
    }

    @Test(arguments: [1, 2, 3])
    func stackedTapsOverOutputRanges(ranges: Int) throws {
        // Work items of 1, 2 and 3 output-depth ranges per batch element (9 output depths, so a
        // range of 3), crossed with frame tiles of 1, 2 and 9 frames: every range boundary spills
        // the terms its frames feed into the range before.
        for pd in [0, 1, 2] {
            let g = ConvGeometry(inChannels: 3, outChannels: 4, input: [9, 9, 10], kernel: [3, 5, 5], stride: [1, 2, 2],
                                 padding: [pd, 2, 2])
            let x = randomTensor([2, 3, 9, 9, 10], seed: 150), w = randomTensor([4, 3, 3, 5, 5], seed: 151)
            let b = randomTensor([4], seed: 152), gy = randomTensor([2, 4] + g.output, seed: 153)
            let reference = referenceConv3d(x, w, b, stride: [1, 2, 2], padding: [pd, 2, 2])
            let gradients = referenceConv3dGradients(x, w, gy, stride: [1, 2, 2], padding: [pd, 2, 2])
            for framesPerTile in [1, 2, 9] {
                let y = Tensor.make(reference.shape) { out in
                    x.withUnsafeBufferPointer { px in
                        w.withUnsafeBufferPointer { pw in
                            b.withUnsafeBufferPointer { pb in
                                Kernels.stackedTapForward(px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out, batch: 2, g,
                                                          framesPerTile: framesPerTile, ranges: ranges)
                            }
                        }
                    }
                }
                let label = "\(ranges) ranges, \(framesPerTile)-frame tiles, temporal padding \(pd)"
                expectClose("stacked taps, " + label, y, reference.values, shape: reference.shape)
                let (gx, gw) = stackedTapGradients(x, w, gy, g, framesPerTile: framesPerTile, ranges: ranges)
                expectClose("stacked tap input gradient, " + label, try Tensor(shape: x.shape, scalars: gx), gradients.gx)
                expectClose("stacked tap weight gradient, " + label, try Tensor(shape: w.shape, scalars: gw), gradients.gw)
            }
        }
    }

    @Test func columnPathSharesABatchOutBetweenThreads() throws {
        // Five batch elements on the column (vol2col) path, temporal stride 2 and a pointwise
        // kernel: the forward pass takes one element per work item, the backward pass deals them
        // out in uneven parts whose weight gradients are summed afterwards.
        for (kernel, stride, padding) in [([3, 3, 3], [2, 2, 2], [1, 1, 1]), ([1, 1, 1], [1, 1, 1], [0, 0, 0])] {
            let x = randomTensor([5, 3, 6, 7, 6], seed: 170), w = randomTensor([4, 3] + kernel, seed: 171)
            let g = ConvGeometry(inChannels: 3, outChannels: 4, input: [6, 7, 6], kernel: kernel, stride: stride, padding: padding)
            #expect(!Kernels.temporalTapsApply(g) && !Kernels.winogradSupports(g))
            let gy = randomTensor([5, 4] + g.output, seed: 172)
            let reference = referenceConv3dGradients(x, w, gy, stride: stride, padding: padding)
            for threads in [1, 2, 3] { try Engine.withThreadCount(threads) {
                var gx = [Float](repeating: .nan, count: x.count), gw = [Float](repeating: .nan, count: w.count)
                x.withUnsafeBufferPointer { px in
                    w.withUnsafeBufferPointer { pw in
                        gy.withUnsafeBufferPointer { pg in
                            gx.withUnsafeMutableBufferPointer { pgx in
                                gw.withUnsafeMutableBufferPointer { pgw in
                                    Kernels.convBackward(px.baseAddress!, pw.baseAddress!, pg.baseAddress!, gx: pgx.baseAddress!,
                                                         gw: pgw.baseAddress!, gb: nil, batch: 5, g)
                                }
                            }
                        }
                    }
                }
                let label = "kernel \(kernel), \(threads) threads"
                expectClose("column path input gradient, " + label, try Tensor(shape: x.shape, scalars: gx), reference.gx)
                expectClose("column path weight gradient, " + label, try Tensor(shape: w.shape, scalars: gw), reference.gw)
                let forward = referenceConv3d(x, w, nil, stride: stride, padding: padding)
                expectClose("column path forward, " + label,
                            try conv3d(x, weight: w, stride: (stride[0], stride[1], stride[2]), padding: (padding[0], padding[1], padding[2])),
                            forward.values, shape: forward.shape)
            } }
        }
    }

    /// `(y, gx)` of a convolution computed by the kernels with or without Winograd.
    func kernelPaths(_ x: Tensor, _ w: Tensor, _ gy: Tensor, _ g: ConvGeometry, winograd: Bool) -> (Tensor, Tensor) {
        let y = Tensor.make(gy.shape) { out in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    Kernels.convForward(px.baseAddress!, pw.baseAddress!, nil, out, batch: x.shape[0], g, allowWinograd: winograd)
                }
            }
        }
        let gx = Tensor.make(x.shape) { out in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    gy.withUnsafeBufferPointer { pg in
                        Kernels.convBackward(px.baseAddress!, pw.baseAddress!, pg.baseAddress!, gx: out, gw: nil, gb: nil,
                                             batch: x.shape[0], g, allowWinograd: winograd)
                    }
                }
            }
        }
        return (y, gx)
    }

    @Test func winogradPathsMatchColumnPaths() throws {
        // Large enough for the forward pass and the input gradient to choose Winograd.
        let g = ConvGeometry(inChannels: 64, outChannels: 64, input: [32, 16, 15], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1])
        #expect(Kernels.winogradApplies(g) && Kernels.winograd4Applies(g))
        #expect(Kernels.winograd4Applies(try #require(g.inputGradientGeometry)))
        // Frames of 4×4 outputs make one 4×4 tile each: too few columns for F(4×4, 3×3).
        let narrow = ConvGeometry(inChannels: 256, outChannels: 256, input: [50, 4, 4], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1])
        #expect(Kernels.winogradApplies(narrow) && !Kernels.winograd4Applies(narrow))
        let small = ConvGeometry(inChannels: 4, outChannels: 5, input: [2, 4, 4], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1])
        #expect(!Kernels.winogradApplies(small))
        let x = randomTensor([1, 64] + g.input, seed: 88), w = randomTensor([64, 64, 3, 3, 3], seed: 89)
        let gy = randomTensor([1, 64] + g.output, seed: 90)
        let (yW, gxW) = kernelPaths(x, w, gy, g, winograd: true)
        let (yC, gxC) = kernelPaths(x, w, gy, g, winograd: false)
        expectClose("conv3d forward, winograd vs vol2col", yW, yC.scalars.map(Double.init))
        expectClose("conv3d input gradient, winograd vs vol2col", gxW, gxC.scalars.map(Double.init))
        expectClose("conv3d public op", try conv3d(x, weight: w, padding: (1, 1, 1)), yW.scalars.map(Double.init), tolerance: 0)
    }

    @Test(arguments: [
        ConvGeometry(inChannels: 2, outChannels: 1, input: [5, 6, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1]),
        ConvGeometry(inChannels: 3, outChannels: 1, input: [6, 9, 8], kernel: [2, 3, 5], stride: [2, 2, 3], padding: [1, 0, 2]),
        ConvGeometry(inChannels: 2, outChannels: 1, input: [4, 4, 4], kernel: [3, 3, 3], stride: [1, 2, 2], padding: [1, 1, 1]),
        ConvGeometry(inChannels: 1, outChannels: 1, input: [3, 12, 20], kernel: [1, 7, 7], stride: [1, 2, 2], padding: [0, 3, 3]),
    ])
    func columnLayoutsAgree(geometry g: ConvGeometry) {
        // Both loop orders of vol2col and col2vol, over a sub-range of output depths.
        let x = randomTensor([g.inChannels] + g.input, seed: 93)
        let depths = (g.output[0] > 1 ? 1 : 0)..<g.output[0]
        let length = g.rows * depths.count * g.outputPlane
        var rows = [Float](repeating: .nan, count: length), inner = rows
        x.withUnsafeBufferPointer { px in
            Kernels.vol2colRows(px.baseAddress!, &rows, g, depths: depths)
            Kernels.vol2colDepthInner(px.baseAddress!, &inner, g, depths: depths)
        }
        #expect(rows == inner, "vol2col layouts differ for \(g)")
        let dcol = randomTensor([length], seed: 94).scalars
        var gx1 = [Float](repeating: 0, count: x.count), gx2 = gx1
        Kernels.col2volRows(dcol, &gx1, g, depths: depths)
        Kernels.col2volDepthInner(dcol, &gx2, g, depths: depths)
        let e = errors(gx1, gx2.map(Double.init))
        #expect(e.abs < 1e-5, "col2vol layouts differ for \(g): \(e.abs)")
        // col2vol is the adjoint of vol2col: ⟨vol2col(x), d⟩ = ⟨x, col2vol(d)⟩.
        let lhs = zip(rows, dcol).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(x.scalars, gx1).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(Swift.abs(lhs - rhs) < 1e-4 * max(1, Swift.abs(lhs)))
    }

    @Test func conv2dAndConv1d() throws {
        let x = randomTensor([2, 3, 11, 9], seed: 73), w = randomTensor([4, 3, 5, 3], seed: 74), b = randomTensor([4], seed: 75)
        let y = try conv2d(x, weight: w, bias: b, stride: (2, 1), padding: (2, 1))
        let reference = referenceConv3d(try x.unsqueezed(axis: 2), try w.unsqueezed(axis: 2), b, stride: [1, 2, 1], padding: [0, 2, 1])
        expectClose("conv2d", y, reference.values, shape: [2, 4, 6, 9])
        try checkGradients("conv2d", [randomTensor([2, 2, 6, 5], seed: 76), randomTensor([3, 2, 3, 3], seed: 77), b.sliced(axis: 0, 0..<3)]) {
            try conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 1), padding: (1, 1))
        }
        let s = randomTensor([2, 4, 13], seed: 78), k = randomTensor([5, 4, 5], seed: 79)
        let z = try conv1d(s, weight: k, padding: 2)
        let ref1 = referenceConv3d(try s.reshaped(to: [2, 4, 1, 1, 13]), try k.reshaped(to: [5, 4, 1, 1, 5]), nil, stride: [1, 1, 1], padding: [0, 0, 2])
        expectClose("conv1d", z, ref1.values, shape: [2, 5, 13])
        try checkGradients("conv1d", [randomTensor([2, 3, 7], seed: 80), randomTensor([2, 3, 3], seed: 81)]) {
            try conv1d($0[0], weight: $0[1], stride: 2, padding: 1)
        }
    }

    @Test func convolutionShapeErrors() {
        let x = randomTensor([1, 3, 4, 4, 4], seed: 1)
        #expect(throws: TensorError.shapeMismatch(op: "conv3d", lhs: [1, 3, 4, 4, 4], rhs: [2, 4, 3, 3, 3])) {
            try conv3d(x, weight: randomTensor([2, 4, 3, 3, 3], seed: 2))
        }
        #expect(throws: TensorError.self) { try conv3d(x, weight: randomTensor([2, 3, 3, 3, 3], seed: 2), bias: randomTensor([3], seed: 3)) }
        #expect(throws: TensorError.self) { try conv3d(x, weight: randomTensor([2, 3, 5, 5, 5], seed: 2)) }
        #expect(throws: TensorError.self) { try conv3d(x, weight: randomTensor([2, 3, 1, 1, 1], seed: 2), stride: (0, 1, 1)) }
        #expect(throws: TensorError.self) { try conv2d(x, weight: randomTensor([2, 3, 3, 3], seed: 2)) }
    }

    @Test func fixedLaplacianFilter() throws {
        let x = randomTensor([2, 3, 2, 6, 5], seed: 82)
        let y = try x.filteredPerPlane(with: .laplacian)
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for t in 0..<2 { for i in 0..<6 { for j in 0..<5 {
            func at(_ a: Int, _ b: Int) -> Double { a < 0 || a >= 6 || b < 0 || b >= 5 ? 0 : Double(x[n, c, t, a, b]) }
            expected.append(at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4 * at(i, j))
        } } } } }
        expectClose("laplacian", y, expected, shape: x.shape)
        let asymmetric = try FixedKernel(rows: 3, columns: 1, weights: [1, 2, -1])
        try checkGradients("fixed filter", [randomTensor([2, 5, 4], seed: 83)]) { try $0[0].filteredPerPlane(with: asymmetric) }
        try checkGradients("laplacian", [randomTensor([1, 2, 2, 4, 4], seed: 84)]) { try $0[0].filteredPerPlane(with: .laplacian) }
        #expect(throws: TensorError.self) { try FixedKernel(rows: 2, columns: 3, weights: [1, 2, 3, 4, 5, 6]) }
    }
}
