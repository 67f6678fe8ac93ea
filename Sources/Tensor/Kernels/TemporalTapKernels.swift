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
    ///
    /// The threads share the work by output depths (``stackedRanges``): a range owns output
    /// depths `o0..<o1` and builds input frames from `o0 − pd` on, each work item running its
    /// column builds, products and sums on one thread in its own cache. A range's frames also feed
    /// the last `kd − 1` output depths of the range before it; those terms wait in a per-range
    /// spill buffer and are added after the ranges are done, in tap order, so every output sums
    /// its taps in the same order as with one range (the products themselves can differ in the
    /// last bits, since OpenBLAS's results depend slightly on the width of the product).
    /// `framesPerTile` defaults to what fits ``stackedTileBudget``; `ranges` (per batch element)
    /// to ``stackedRanges``.
    static func stackedTapForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                  _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry,
                                  framesPerTile: Int? = nil, ranges: Int? = nil) {
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        let perFrame = max(1, (K + kd * M) * plane)
        let F = min(D, max(1, framesPerTile ?? (stackedTileBudget / perFrame)))
        let R = min(ranges ?? stackedRanges(outputDepths: Do, batch: batch, kd: kd, framesPerTile: F), max(1, Do / kd))
        // Spill of range r > 0: (kd − 1 output depths before o0, kd taps, M, plane), written only
        // where range r built the tap's frame.
        let spillCount = (kd - 1) * kd * M * plane
        let spills = R > 1 ? batch * R * spillCount : 0
        // Range r's output depths, and the input frames it builds: from o0 − pd (the first range
        // from 0) up to o1 − pd (the last to D).
        func bounds(_ r: Int) -> (o0: Int, o1: Int, a0: Int, a1: Int) {
            let o0 = Do * r / R, o1 = Do * (r + 1) / R
            return (o0, o1, r == 0 ? 0 : min(D, max(0, o0 - pd)), r == R - 1 ? D : min(D, max(0, o1 - pd)))
        }
        withScratch(kd * M * K, max(1, spills)) { taps, spill in
            splitTemporalTaps(w, taps, g)
            concurrently(batch * R) { item in
                let b = item / R, r = item % R
                let xb = x + b * g.inChannels * g.inputVolume, yb = y + b * M * L
                let (o0, o1, a0, a1) = bounds(r)
                let spillStart = o0 - (kd - 1), rangeSpill = spill + (b * R + r) * spillCount
                for m in 0..<M { (yb + m * L + o0 * plane).update(repeating: bias?[m] ?? 0, count: (o1 - o0) * plane) }
                guard a0 < a1 else { return }
                let tileFrames = evenTiles(frames: a1 - a0, framesPerTile: F).frames
                withScratch(tileFrames * K * plane, kd * M * tileFrames * plane) { col, products in
                    for i0 in stride(from: a0, to: a1, by: tileFrames) {
                        let i1 = min(a1, i0 + tileFrames), width = (i1 - i0) * plane
                        vol2col(xb, col, frame, depths: i0..<i1)
                        sgemm(m: kd * M, n: width, k: K, a: taps, lda: K, b: col, ldb: width, c: products, ldc: width)
                        for m in 0..<M {
                            for k in 0..<kd {
                                let row = products + (k * M + m) * width
                                // Frames i of this tile with an output depth od = i + pd − k in this range…
                                let lo = max(i0, o0 - pd + k), hi = min(i1, o1 - pd + k)
                                if lo < hi {
                                    let from = row + (lo - i0) * plane, to = yb + m * L + (lo + pd - k) * plane
                                    for j in 0..<((hi - lo) * plane) { to[j] += from[j] }
                                }
                                // …and in the spill, the kd − 1 depths before it.
                                let slo = max(i0, max(0, spillStart) - pd + k), shi = min(i1, o0 - pd + k)
                                for i in slo..<max(slo, shi) {
                                    let depth = i + pd - k - spillStart
                                    let to = rangeSpill + ((depth * kd + k) * M + m) * plane
                                    to.update(from: row + (i - i0) * plane, count: plane)
                                }
                            }
                        }
                    }
                }
            }
            guard spills > 0 else { return }
            // The spilled terms, added in tap order after the terms each depth's own range added:
            // those of the taps whose frame od − pd + k range r built (the only ones it wrote).
            parallelFor(batch * (R - 1) * M, grain: max(1, elementwiseGrain / max(1, kd * kd * plane))) { rows in
                for row in rows {
                    let m = row % M, r = row / M % (R - 1) + 1, b = row / M / (R - 1)
                    let (o0, _, a0, a1) = bounds(r)
                    let spillStart = o0 - (kd - 1), rangeSpill = spill + (b * R + r) * spillCount
                    for depth in max(0, -spillStart)..<(kd - 1) {
                        let to = y + b * M * L + m * L + (spillStart + depth) * plane
                        for k in 0..<kd where (a0..<a1).contains(spillStart + depth - pd + k) {
                            let from = rangeSpill + ((depth * kd + k) * M + m) * plane
                            for j in 0..<plane { to[j] += from[j] }
                        }
                    }
                }
            }
        }
    }

    /// Output-depth ranges per batch element for the stacked passes: enough work items to give
    /// every thread two (so that a thread slowed by another process holds up little), but ranges
    /// of at least `kd` depths and at least one whole tile of `framesPerTile` frames, so that
    /// splitting never narrows the products; one range when one thread is available. With one
    /// range and one batch element, the products themselves are split over the threads instead.
    static func stackedRanges(outputDepths Do: Int, batch: Int, kd: Int, framesPerTile F: Int) -> Int {
        let threads = availableThreads
        guard threads > 1 else { return 1 }
        let wanted = (2 * threads + batch - 1) / batch
        return max(1, min(wanted, Do / max(1, kd, F)))
    }

    /// Tiles of a range of `frames` frames: about `framesPerTile` each (a remainder of less than
    /// half a tile joins the others rather than making a narrow product of its own).
    static func evenTiles(frames: Int, framesPerTile F: Int) -> (count: Int, frames: Int) {
        let count = max(1, (frames + F / 2) / F)
        return (count, (frames + count - 1) / count)
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
    /// `gw` is overwritten, `gx` added to; either may be `nil`.
    ///
    /// The threads share the work by input frames: each work item (a batch element's range of
    /// frames, ``stackedRanges`` per element) writes only its own frames of `gx`, and the items
    /// are dealt out in parts that each sum their own weight gradient (``inParts``).
    /// `framesPerTile` defaults to what fits ``stackedTileBudget``; `ranges` (per batch element)
    /// to ``stackedRanges``.
    static func stackedTapBackward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gy: UnsafePointer<Float>,
                                   gx: UnsafeMutablePointer<Float>?, gw: UnsafeMutablePointer<Float>?,
                                   batch: Int, _ g: ConvGeometry, framesPerTile: Int? = nil, ranges: Int? = nil) {
        let frame = frameGeometry(g)
        let M = g.outChannels, K = frame.rows, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0], plane = g.outputPlane, L = g.outputVolume
        let perFrame = max(1, (K + kd * M) * plane)
        let F = min(D, max(1, framesPerTile ?? (stackedTileBudget / perFrame)))
        let R = max(1, min(ranges ?? stackedRanges(outputDepths: Do, batch: batch, kd: kd, framesPerTile: F), D))
        let tapCount = kd * M * K
        withScratch(tapCount, gw == nil ? 1 : tapCount) { taps, tapGradients in
            if gx != nil { splitTemporalTaps(w, taps, g) }
            inParts(batch * R, summing: tapCount, into: gw == nil ? nil : tapGradients) { items, gradients in
                for item in items {
                    let b = item / R, r = item % R
                    let xb = x + b * g.inChannels * g.inputVolume, gyb = gy + b * M * L
                    let a0 = D * r / R, a1 = D * (r + 1) / R
                    let tileFrames = evenTiles(frames: a1 - a0, framesPerTile: F).frames
                    withScratch(tileFrames * K * plane, kd * M * tileFrames * plane) { col, shifted in
                        for i0 in stride(from: a0, to: a1, by: tileFrames) {
                            let i1 = min(a1, i0 + tileFrames), width = (i1 - i0) * plane
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
                            if let gradients {
                                vol2col(xb, col, frame, depths: i0..<i1)
                                sgemm(transB: true, m: kd * M, n: K, k: width, a: shifted, lda: width, b: col, ldb: width, beta: 1,
                                      c: gradients, ldc: K)
                            }
                            if let gx {
                                sgemm(transA: true, m: K, n: width, k: kd * M, a: taps, lda: K, b: shifted, ldb: width,
                                      c: col, ldc: width)
                                col2vol(col, gx + b * g.inChannels * g.inputVolume, frame, depths: i0..<i1)
                            }
                        }
                    }
                }
            }
            if let gw { mergeTemporalTaps(tapGradients, gw, g) }
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
