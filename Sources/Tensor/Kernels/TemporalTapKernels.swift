/// Forward 3-D convolution with a temporal kernel `kd > 1` and unit temporal stride, as one
/// per-frame column matrix and `kd` accumulating sgemms.
///
/// The column matrix of a 3-D convolution repeats every input frame `kd` times (once per temporal
/// tap). Building the 2-D column matrix of each input frame once, `(C·kh·kw, frames · Ho·Wo)`, and
/// multiplying tap `k`'s weights `(M, C·kh·kw)` into the output depths that read frame `od − pd + k`
/// (a column offset and `ldb`, no copy) does the same arithmetic with a third of the copying.
extension Kernels {
    /// Up to this many output channels the forward pass multiplies all `kd` taps in one sgemm of
    /// `kd·M` rows (``stackedTapForward``): OpenBLAS reaches about 45 GFLOP/s on 16 × 147 × 28800
    /// here and 85 on 48 × 147 × 28800, so one tall product and a shifted sum beat `kd` thin
    /// products. Since the stacked path walks cache-sized frame tiles, it also wins on the seed
    /// preset's 64–256-channel convolutions (one core, alternating: forward batch 1 309–321 ms
    /// against 329–378 ms with the limit at 32, batch 8 2.47–2.66 s against 2.84–3.02 s); wider
    /// convolutions than the presets' 256 were not measured and keep one sgemm per tap.
    static let stackedTapsLimit = 256

    static func temporalTapsApply(_ g: ConvGeometry) -> Bool {
        g.kernel[0] > 1 && g.stride[0] == 1
    }

    /// The geometry of one frame's 2-D column matrix (depth taken as is).
    static func frameGeometry(_ g: ConvGeometry) -> ConvGeometry {
        ConvGeometry(inChannels: g.inChannels, outChannels: g.outChannels, input: g.input,
                     kernel: [1, g.kernel[1], g.kernel[2]], stride: [1, g.stride[1], g.stride[2]],
                     padding: [0, g.padding[1], g.padding[2]])
    }

    /// `taps[k][m][(c, i, j)] = w[m, c, k, i, j]`: each temporal tap's weights as one matrix.
    static func splitTemporalTaps(_ w: UnsafePointer<Float>, _ taps: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let M = g.outChannels, C = g.inChannels, kd = g.kernel[0], area = g.kernel[1] * g.kernel[2]
        for m in 0..<M {
            for c in 0..<C {
                for k in 0..<kd {
                    (taps + ((k * M + m) * C + c) * area).update(from: w + ((m * C + c) * kd + k) * area, count: area)
                }
            }
        }
    }

    /// See the type's description; `x: (B, C, D, H, W) → y: (B, M, Do, Ho, Wo)`.
    static func temporalTapForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                   _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        if g.outChannels <= stackedTapsLimit {
            stackedTapForward(x, w, bias, y, batch: batch, g)
            return
        }
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        // Output depths per tile, so that the frames they read fit the column budget.
        let framesPerTile = max(kd, columnTileBudget / max(1, K * plane))
        let outputsPerTile = max(1, framesPerTile - kd + 1)
        let framesRead = min(D, outputsPerTile + kd - 1)
        withScratch(kd * M * K, framesRead * K * plane) { taps, col in
            splitTemporalTaps(w, taps, g)
            for b in 0..<batch {
                let xb = x + b * g.inChannels * g.inputVolume, yb = y + b * M * L
                for m in 0..<M { (yb + m * L).update(repeating: bias?[m] ?? 0, count: L) }
                for o0 in stride(from: 0, to: Do, by: outputsPerTile) {
                    let o1 = min(Do, o0 + outputsPerTile)
                    let i0 = max(0, o0 - pd), i1 = min(D, o1 - 1 - pd + kd)  // frames read
                    guard i0 < i1 else { continue }
                    vol2col(xb, col, frame, depths: i0..<i1)
                    for k in 0..<kd {
                        // Output depths of this tile whose frame od − pd + k was built.
                        let lo = max(o0, i0 + pd - k), hi = min(o1, i1 + pd - k)
                        guard lo < hi else { continue }
                        sgemm(m: M, n: (hi - lo) * plane, k: K, a: taps + k * M * K, lda: K,
                              b: col + (lo - pd + k - i0) * plane, ldb: (i1 - i0) * plane, beta: 1,
                              c: yb + lo * plane, ldc: L)
                    }
                }
            }
        }
    }

    /// Floats of column matrix plus product per tile of ``stackedTapForward``: 2 MiB, about one
    /// core's second-level cache, so that the sgemm's packing and the shifted sums read what the
    /// column builder and the sgemm just wrote. Measured on the compact stem (3 → 16, 3×7×7,
    /// 24×24 outputs: 4 frames per tile): batch-1 forward on one core 41.6–42.2 ms against
    /// 45.3–45.9 ms with 37-frame tiles (the general 16 MiB budget); 1-frame tiles 49 ms (the sgemm
    /// too narrow), 16-frame tiles 46 ms.
    static let stackedTileBudget = 1 << 19

    /// The forward pass for at most ``stackedTapsLimit`` output channels: input frames in tiles,
    /// each tile's column matrix `(C·kh·kw, F·Ho·Wo)` multiplied by all `kd` taps at once,
    /// `(kd·M, C·kh·kw)`, and row `(k, m)` of frame `i`'s product added to output depth `i + pd − k`.
    /// Every frame is built and multiplied once; each output still sums its taps in order `k = 0…`.
    /// `framesPerTile` defaults to what fits ``stackedTileBudget``.
    static func stackedTapForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                  _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry, framesPerTile: Int? = nil) {
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        let perFrame = max(1, (K + kd * M) * plane)
        let F = min(D, max(1, framesPerTile ?? (stackedTileBudget / perFrame)))
        withScratch(kd * M * K, F * K * plane, kd * M * F * plane) { taps, col, products in
            splitTemporalTaps(w, taps, g)
            for b in 0..<batch {
                let xb = x + b * g.inChannels * g.inputVolume, yb = y + b * M * L
                for m in 0..<M { (yb + m * L).update(repeating: bias?[m] ?? 0, count: L) }
                for i0 in stride(from: 0, to: D, by: F) {
                    let i1 = min(D, i0 + F), width = (i1 - i0) * plane
                    vol2col(xb, col, frame, depths: i0..<i1)
                    sgemm(m: kd * M, n: width, k: K, a: taps, lda: K, b: col, ldb: width, c: products, ldc: width)
                    parallelFor(M, grain: max(1, elementwiseGrain / max(1, kd * width))) { outputs in
                        for m in outputs {
                            for k in 0..<kd {
                                // Frames i of this tile with an output depth od = i + pd − k.
                                let lo = max(i0, k - pd), hi = min(i1, Do - pd + k)
                                guard lo < hi else { continue }
                                let from = products + (k * M + m) * width + (lo - i0) * plane
                                let to = yb + m * L + (lo + pd - k) * plane
                                for j in 0..<((hi - lo) * plane) { to[j] += from[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Gradients by the same decomposition: `gw` (overwritten) from `gy` and each frame's columns,
    /// `gx` (added to) through per-frame column gradients and `col2vol`. Either may be `nil`.
    static func temporalTapBackward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gy: UnsafePointer<Float>,
                                    gx: UnsafeMutablePointer<Float>?, gw: UnsafeMutablePointer<Float>?,
                                    batch: Int, _ g: ConvGeometry) {
        if g.outChannels <= stackedTapsLimit {
            stackedTapBackward(x, w, gy, gx: gx, gw: gw, batch: batch, g)
            return
        }
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        let framesPerTile = max(kd, columnTileBudget / max(1, K * plane))
        let outputsPerTile = max(1, framesPerTile - kd + 1)
        withScratch(kd * M * K, kd * M * K, min(D, outputsPerTile + kd - 1) * K * plane) { taps, tapGradients, col in
            splitTemporalTaps(w, taps, g)
            tapGradients.update(repeating: 0, count: kd * M * K)
            for b in 0..<batch {
                let xb = x + b * g.inChannels * g.inputVolume, gyb = gy + b * M * L
                for o0 in stride(from: 0, to: Do, by: outputsPerTile) {
                    let o1 = min(Do, o0 + outputsPerTile)
                    let i0 = max(0, o0 - pd), i1 = min(D, o1 - 1 - pd + kd)
                    guard i0 < i1 else { continue }
                    let width = (i1 - i0) * plane
                    // Output depths of this tile that read frame od − pd + k, per tap.
                    let spans = (0..<kd).map { k in (k: k, lo: max(o0, i0 + pd - k), hi: min(o1, i1 + pd - k)) }.filter { $0.lo < $0.hi }
                    if gw != nil {
                        vol2col(xb, col, frame, depths: i0..<i1)
                        for span in spans {
                            sgemm(transB: true, m: M, n: K, k: (span.hi - span.lo) * plane, a: gyb + span.lo * plane, lda: L,
                                  b: col + (span.lo - pd + span.k - i0) * plane, ldb: width, beta: 1,
                                  c: tapGradients + span.k * M * K, ldc: K)
                        }
                    }
                    if let gx {
                        col.update(repeating: 0, count: K * width)
                        for span in spans {
                            sgemm(transA: true, m: K, n: (span.hi - span.lo) * plane, k: M, a: taps + span.k * M * K, lda: K,
                                  b: gyb + span.lo * plane, ldb: L, beta: 1,
                                  c: col + (span.lo - pd + span.k - i0) * plane, ldc: width)
                        }
                        col2vol(col, gx + b * g.inChannels * g.inputVolume, frame, depths: i0..<i1)
                    }
                }
            }
            if let gw { mergeTemporalTaps(tapGradients, gw, g) }
        }
    }

    /// The backward pass for at most ``stackedTapsLimit`` output channels, in the forward pass's
    /// frame tiles: the output gradients each input frame `i` of a tile feeds, gathered once as
    /// `(kd·M, F·Ho·Wo)` (row `(k, m)` at frame `i` is `gy[m, i + pd − k]`, zero where no such output
    /// depth exists), then `gw += shifted · colsᵀ` as one `(kd·M) × K` product and the tile's column
    /// gradient `tapsᵀ · shifted` as one `K × F·Ho·Wo` product over all taps, then `col2vol`.
    /// `gw` is overwritten, `gx` added to; either may be `nil`. `framesPerTile` defaults to what
    /// fits ``stackedTileBudget``.
    static func stackedTapBackward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gy: UnsafePointer<Float>,
                                   gx: UnsafeMutablePointer<Float>?, gw: UnsafeMutablePointer<Float>?,
                                   batch: Int, _ g: ConvGeometry, framesPerTile: Int? = nil) {
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        let perFrame = max(1, (K + kd * M) * plane)
        let F = min(D, max(1, framesPerTile ?? (stackedTileBudget / perFrame)))
        withScratch(kd * M * K, kd * M * K, F * K * plane) { taps, tapGradients, col in
            withScratch(kd * M * F * plane) { shifted in
                if gx != nil { splitTemporalTaps(w, taps, g) }
                tapGradients.update(repeating: 0, count: kd * M * K)
                for b in 0..<batch {
                    let xb = x + b * g.inChannels * g.inputVolume, gyb = gy + b * M * L
                    for i0 in stride(from: 0, to: D, by: F) {
                        let i1 = min(D, i0 + F), width = (i1 - i0) * plane
                        parallelFor(kd * M, grain: max(1, elementwiseGrain / max(1, width))) { rows in
                            for row in rows {
                                let k = row / M, m = row % M, to = shifted + row * width
                                // Frames i of this tile with an output depth od = i + pd − k.
                                let lo = min(i1, max(i0, k - pd)), hi = max(lo, min(i1, Do - pd + k))
                                let before = (lo - i0) * plane, span = (hi - lo) * plane
                                to.update(repeating: 0, count: before)
                                if span > 0 { (to + before).update(from: gyb + m * L + (lo + pd - k) * plane, count: span) }
                                (to + before + span).update(repeating: 0, count: width - before - span)
                            }
                        }
                        if gw != nil {
                            vol2col(xb, col, frame, depths: i0..<i1)
                            sgemm(transB: true, m: kd * M, n: K, k: width, a: shifted, lda: width, b: col, ldb: width, beta: 1,
                                  c: tapGradients, ldc: K)
                        }
                        if let gx {
                            sgemm(transA: true, m: K, n: width, k: kd * M, a: taps, lda: K, b: shifted, ldb: width,
                                  c: col, ldc: width)
                            col2vol(col, gx + b * g.inChannels * g.inputVolume, frame, depths: i0..<i1)
                        }
                    }
                }
                if let gw { mergeTemporalTaps(tapGradients, gw, g) }
            }
        }
    }

    /// The inverse of `splitTemporalTaps`: `w[m, c, k, i, j] = taps[k][m][(c, i, j)]`.
    static func mergeTemporalTaps(_ taps: UnsafePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let M = g.outChannels, C = g.inChannels, kd = g.kernel[0], area = g.kernel[1] * g.kernel[2]
        for m in 0..<M {
            for c in 0..<C {
                for k in 0..<kd {
                    (w + ((m * C + c) * kd + k) * area).update(from: taps + ((k * M + m) * C + c) * area, count: area)
                }
            }
        }
    }
}
