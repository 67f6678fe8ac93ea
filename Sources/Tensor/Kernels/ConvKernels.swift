/// The geometry of a 3-D convolution of one batch element (1-D and 2-D convolutions use extent 1
/// on the leading spatial axes). Axes are `(D, H, W)`.
struct ConvGeometry: Sendable, Equatable {
    var inChannels: Int
    var outChannels: Int
    var input: [Int]
    var kernel: [Int]
    var stride: [Int]
    var padding: [Int]

    /// `⌊(in + 2·pad − k) / stride⌋ + 1` on each axis.
    var output: [Int] {
        (0..<3).map { (input[$0] + 2 * padding[$0] - kernel[$0]) / stride[$0] + 1 }
    }
    var kernelVolume: Int { kernel.elementCount }
    /// Rows of the column matrix: `C_in · kd · kh · kw`.
    var rows: Int { inChannels * kernelVolume }
    var inputVolume: Int { input.elementCount }
    var outputVolume: Int { output.elementCount }
    var outputPlane: Int { output[1] * output[2] }
    /// A 1×1×1 kernel with unit stride and no padding needs no column matrix.
    var isPointwise: Bool { kernel == [1, 1, 1] && stride == [1, 1, 1] && padding == [0, 0, 0] }
    /// Floating-point operations of the forward pass for one batch element (multiply and add).
    var flops: Double { 2 * Double(outChannels) * Double(rows) * Double(outputVolume) }
}

extension Kernels {
    /// Floats of column matrix per tile: 16 MiB, so that a tile is still in the last-level cache
    /// when the sgemm that follows reads it, while each sgemm stays wide (measured on the seed
    /// shapes: 4 MiB tiles made the sgemms narrow enough to lose more than they gained).
    static let columnTileBudget = 1 << 22

    /// Output-depth ranges that tile the column matrix.
    static func depthTiles(_ g: ConvGeometry) -> [Range<Int>] {
        let depth = g.output[0]
        let perSlice = max(1, g.rows * g.outputPlane)
        let slices = max(1, min(depth, columnTileBudget / perSlice))
        return stride(from: 0, to: depth, by: slices).map { $0..<min($0 + slices, depth) }
    }

    /// Writes the column matrix of output depths `depths`: row `(c, kd, kh, kw)`, column
    /// `(od, oh, ow)` holds `x[c, od·sd − pd + kd, oh·sh − ph + kh, ow·sw − pw + kw]` (zero outside).
    /// `x` is one batch element `(C, D, H, W)`; `col` is `(rows, depths.count · Ho · Wo)`.
    /// Each row's valid output ranges are computed once, so the inner loops carry no bounds tests.
    static func vol2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        if g.output[2] < smallPlaneWidth {
            vol2colDepthInner(x, col, g, depths: depths)
        } else {
            vol2colRows(x, col, g, depths: depths)
        }
    }

    /// Output widths below this copy along depth in the inner loop (`vol2colDepthInner`), since
    /// rows of a few elements cost more in loop overhead than in copying.
    static let smallPlaneWidth = 8

    /// `vol2col` with output rows as the inner loop: long rows copy as contiguous runs.
    static func vol2colRows(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (kh, kw) = (g.kernel[1], g.kernel[2])
        let (sd, sh, sw) = (g.stride[0], g.stride[1], g.stride[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let (Ho, Wo) = (g.output[1], g.output[2])
        let kvol = g.kernelVolume, plane = Ho * Wo
        let length = depths.count * plane
        let end = x + g.inChannels * g.inputVolume
        parallelFor(g.rows, grain: max(1, elementwiseGrain / max(length, 1))) { rows in
            for r in rows {
                let c = r / kvol, k = r % kvol
                let kd = k / (kh * kw), kr = (k / kw) % kh, kc = k % kw
                let (wlo, whi) = validRange(kernelOffset: kc, padding: pw, stride: sw, input: W, output: Wo)
                let (hlo, hhi) = validRange(kernelOffset: kr, padding: ph, stride: sh, input: H, output: Ho)
                let xc = x + c * D * H * W
                var dst = col + r * length
                for od in depths {
                    let id = od * sd - pd + kd
                    if id < 0 || id >= D || hlo >= hhi || wlo >= whi {
                        for i in 0..<plane { dst[i] = 0 }
                        dst += plane
                        continue
                    }
                    for i in 0..<(hlo * Wo) { dst[i] = 0 }
                    dst += hlo * Wo
                    var src = xc + (id * H + hlo * sh - ph + kr) * W + kc - pw
                    for _ in hlo..<hhi {
                        for i in 0..<wlo { dst[i] = 0 }
                        switch sw {
                        case 1: for i in wlo..<whi { dst[i] = src[i] }
                        case 2: copyEven(src, dst, wlo..<whi, end: end)
                        default: for i in wlo..<whi { dst[i] = src[i * sw] }
                        }
                        for i in whi..<Wo { dst[i] = 0 }
                        dst += Wo
                        src += sh * W
                    }
                    let rest = (Ho - hhi) * Wo
                    for i in 0..<rest { dst[i] = 0 }
                    dst += rest
                }
            }
        }
    }

    /// `dst[i] = src[2i]` for `i` in `range`, four at a time: one 8-wide load and a shuffle (the
    /// even lanes) per four outputs. A vector load may read one float past the last one used, so
    /// it is only issued while it stays below `end` (the end of the source buffer).
    @inline(__always)
    static func copyEven(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                         end: UnsafePointer<Float>) {
        var i = range.lowerBound
        while i + 4 <= range.upperBound && src + 2 * i + 8 <= end {
            let pair = UnsafeRawPointer(src + 2 * i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: pair.evenHalf, as: SIMD4<Float>.self)
            i += 4
        }
        while i < range.upperBound {
            dst[i] = src[2 * i]
            i += 1
        }
    }

    /// `vol2col` with output depth as the inner loop, for small output planes: each row is
    /// zeroed, then every spatially valid position copies its run of depths.
    static func vol2colDepthInner(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (kh, kw) = (g.kernel[1], g.kernel[2])
        let (sd, sh, sw) = (g.stride[0], g.stride[1], g.stride[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let (Ho, Wo) = (g.output[1], g.output[2])
        let kvol = g.kernelVolume, plane = Ho * Wo, volume = H * W
        let length = depths.count * plane
        parallelFor(g.rows, grain: max(1, elementwiseGrain / max(length, 1))) { rows in
            for r in rows {
                let c = r / kvol, k = r % kvol
                let kd = k / (kh * kw), kr = (k / kw) % kh, kc = k % kw
                let (wlo, whi) = validRange(kernelOffset: kc, padding: pw, stride: sw, input: W, output: Wo)
                let (hlo, hhi) = validRange(kernelOffset: kr, padding: ph, stride: sh, input: H, output: Ho)
                let (dlo, dhi) = validRange(kernelOffset: kd, padding: pd, stride: sd, input: D, output: depths.upperBound)
                let first = max(dlo, depths.lowerBound), last = max(first, dhi)
                let dst = col + r * length
                for i in 0..<length { dst[i] = 0 }
                guard first < last else { continue }
                let xc = x + c * D * volume + (first * sd - pd + kd) * volume
                let run = dst + (first - depths.lowerBound) * plane
                for oh in hlo..<hhi {
                    for ow in wlo..<whi {
                        let src = xc + (oh * sh - ph + kr) * W + ow * sw - pw + kc
                        let out = run + oh * Wo + ow
                        for j in 0..<(last - first) { out[j * plane] = src[j * sd * volume] }
                    }
                }
            }
        }
    }

    /// Adds the column matrix `col` of output depths `depths` back into the input gradient `dx`
    /// (one batch element); the adjoint of `vol2col`. Parallel over input channels.
    static func col2vol(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        if g.output[2] < smallPlaneWidth {
            col2volDepthInner(col, dx, g, depths: depths)
        } else {
            col2volRows(col, dx, g, depths: depths)
        }
    }

    /// `col2vol` for small output planes, with depth as the inner loop (see `vol2colDepthInner`).
    static func col2volDepthInner(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (kh, kw) = (g.kernel[1], g.kernel[2])
        let (sd, sh, sw) = (g.stride[0], g.stride[1], g.stride[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let (Ho, Wo) = (g.output[1], g.output[2])
        let kvol = g.kernelVolume, plane = Ho * Wo, volume = H * W
        let length = depths.count * plane
        parallelFor(g.inChannels, grain: 1) { channels in
            for c in channels {
                for k in 0..<kvol {
                    let kd = k / (kh * kw), kr = (k / kw) % kh, kc = k % kw
                    let (wlo, whi) = validRange(kernelOffset: kc, padding: pw, stride: sw, input: W, output: Wo)
                    let (hlo, hhi) = validRange(kernelOffset: kr, padding: ph, stride: sh, input: H, output: Ho)
                    let (dlo, dhi) = validRange(kernelOffset: kd, padding: pd, stride: sd, input: D, output: depths.upperBound)
                    let first = max(dlo, depths.lowerBound), last = max(first, dhi)
                    guard first < last else { continue }
                    let xc = dx + c * D * volume + (first * sd - pd + kd) * volume
                    let run = col + (c * kvol + k) * length + (first - depths.lowerBound) * plane
                    for oh in hlo..<hhi {
                        for ow in wlo..<whi {
                            let target = xc + (oh * sh - ph + kr) * W + ow * sw - pw + kc
                            let source = run + oh * Wo + ow
                            for j in 0..<(last - first) { target[j * sd * volume] += source[j * plane] }
                        }
                    }
                }
            }
        }
    }

    /// `col2vol` with output rows as the inner loop.
    static func col2volRows(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, depths: Range<Int>) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (kh, kw) = (g.kernel[1], g.kernel[2])
        let (sd, sh, sw) = (g.stride[0], g.stride[1], g.stride[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let (Ho, Wo) = (g.output[1], g.output[2])
        let kvol = g.kernelVolume, plane = Ho * Wo
        let length = depths.count * plane
        parallelFor(g.inChannels, grain: 1) { channels in
            for c in channels {
                let xc = dx + c * D * H * W
                for k in 0..<kvol {
                    let kd = k / (kh * kw), kr = (k / kw) % kh, kc = k % kw
                    let (lo, hi) = validRange(kernelOffset: kc, padding: pw, stride: sw, input: W, output: Wo)
                    guard lo < hi else { continue }
                    var src = col + (c * kvol + k) * length
                    for od in depths {
                        let id = od * sd - pd + kd
                        guard id >= 0 && id < D else { src += plane; continue }
                        for oh in 0..<Ho {
                            let ih = oh * sh - ph + kr
                            if ih >= 0 && ih < H {
                                let dst = xc + (id * H + ih) * W + kc - pw
                                if sw == 1 {
                                    for ow in lo..<hi { dst[ow] += src[ow] }
                                } else {
                                    for ow in lo..<hi { dst[ow * sw] += src[ow] }
                                }
                            }
                            src += Wo
                        }
                    }
                }
            }
        }
    }

    /// The output positions `lo..<hi` along one axis whose input index
    /// `o·stride − padding + kernelOffset` lies inside `0..<input`.
    @inline(__always)
    static func validRange(kernelOffset k: Int, padding p: Int, stride s: Int, input: Int, output: Int) -> (Int, Int) {
        let first = p - k  // o·s ≥ p − k
        let lo = first <= 0 ? 0 : (first + s - 1) / s
        let last = input - 1 + p - k  // o·s ≤ in − 1 + p − k
        let hi = last < 0 ? 0 : min(output, last / s + 1)
        return (min(lo, hi), hi)
    }

    /// Forward convolution of a batch: `x: (B, C, D, H, W), w: (M, C, kd, kh, kw), bias: (M)?
    /// → y: (B, M, Do, Ho, Wo)`, by Winograd's F(4×4, 3×3) or F(2×2, 3×3) where it pays (and
    /// `allowWinograd`), else directly in AVX-512 registers on small planes at stride 1 or 2 where
    /// the processor has them (``directApplies(_:)``: the stems, the compact preset's blocks),
    /// else by per-frame columns where the kernel has several temporal taps (all taps in one sgemm
    /// per frame tile up to ``stackedTapsLimit`` outputs, one sgemm per tap above), else as vol2col
    /// tiles and sgemm.
    static func convForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                            _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry, allowWinograd: Bool = true) {
        if allowWinograd && winogradApplies(g) {
            if winograd4Applies(g) {
                winograd4Forward(x, w, bias, y, batch: batch, g)
            } else {
                winogradForward(x, w, bias, y, batch: batch, g)
            }
            return
        }
        if directApplies(g) {
            directForward(x, w, bias, y, batch: batch, g)
            return
        }
        if temporalTapsApply(g) {
            temporalTapForward(x, w, bias, y, batch: batch, g)
            return
        }
        let M = g.outChannels, K = g.rows, L = g.outputVolume
        let tiles = g.isPointwise ? [] : depthTiles(g)
        let colCount = max(1, tiles.map(\.count).max() ?? 0) * g.outputPlane * K
        // Batch elements on the threads, each on one (a single element splits its work instead).
        concurrently(batch) { b in
            withScratch(g.isPointwise ? 1 : colCount) { col in
                let xb = x + b * g.inChannels * g.inputVolume, yb = y + b * M * L
                if let bias {
                    for m in 0..<M { (yb + m * L).update(repeating: bias[m], count: L) }
                }
                let beta: Float = bias == nil ? 0 : 1
                if g.isPointwise {
                    sgemm(m: M, n: L, k: K, a: w, lda: K, b: xb, ldb: L, beta: beta, c: yb, ldc: L)
                    return
                }
                for depths in tiles {
                    let n = depths.count * g.outputPlane
                    vol2col(xb, col, g, depths: depths)
                    sgemm(m: M, n: n, k: K, a: w, lda: K, b: col, ldb: n, beta: beta,
                          c: yb + depths.lowerBound * g.outputPlane, ldc: L)
                }
            }
        }
    }

    /// Gradients of a batched convolution from `gy: (B, M, Do, Ho, Wo)`. Each destination that is
    /// not `nil` is overwritten: `gx: (B, C, D, H, W)`, `gw: (M, C, kd, kh, kw)`, `gb: (M)`.
    /// The input gradient of a unit-stride 3×3 convolution is itself one (a full correlation with
    /// the flipped kernel), so with `allowWinograd` it goes through Winograd's algorithm when that pays.
    static func convBackward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gy: UnsafePointer<Float>,
                             gx: UnsafeMutablePointer<Float>?, gw: UnsafeMutablePointer<Float>?,
                             gb: UnsafeMutablePointer<Float>?, batch: Int, _ g: ConvGeometry, allowWinograd: Bool = true) {
        let M = g.outChannels, K = g.rows, L = g.outputVolume
        let inVolume = g.inChannels * g.inputVolume
        if let gb {
            for m in 0..<M {
                var s: Double = 0
                for b in 0..<batch {
                    let p = gy + (b * M + m) * L
                    for l in 0..<L { s += Double(p[l]) }
                }
                gb[m] = Float(s)
            }
        }
        gw?.initialize(repeating: 0, count: M * K)
        var gx = gx
        if let dx = gx, allowWinograd, let adjoint = g.inputGradientGeometry, winogradApplies(adjoint) {
            withScratch(M * K) { flipped in
                flipTransposed(w, flipped, g)
                if winograd4Applies(adjoint) {
                    winograd4Forward(gy, flipped, nil, dx, batch: batch, adjoint)
                } else {
                    winogradForward(gy, flipped, nil, dx, batch: batch, adjoint)
                }
            }
            gx = nil
        }
        gx?.initialize(repeating: 0, count: batch * inVolume)
        guard gx != nil || gw != nil else { return }
        if temporalTapsApply(g) {
            temporalTapBackward(x, w, gy, gx: gx, gw: gw, batch: batch, g)
            return
        }
        let tiles = g.isPointwise ? [] : depthTiles(g)
        let colCount = max(1, tiles.map(\.count).max() ?? 0) * g.outputPlane * K
        // Batch elements dealt out in parts, each summing its own weight gradient (a single
        // element, or one thread, is one part whose products split over the threads instead).
        inParts(batch, summing: M * K, into: gw) { elements, gradients in
            withScratch(g.isPointwise ? 1 : colCount) { col in
                for b in elements {
                    let xb = x + b * inVolume, gyb = gy + b * M * L
                    if g.isPointwise {
                        if let gradients {
                            sgemm(transB: true, m: M, n: K, k: L, a: gyb, lda: L, b: xb, ldb: L, beta: 1, c: gradients, ldc: K)
                        }
                        if let gx { sgemm(transA: true, m: K, n: L, k: M, a: w, lda: K, b: gyb, ldb: L, c: gx + b * inVolume, ldc: L) }
                        continue
                    }
                    for depths in tiles {
                        let n = depths.count * g.outputPlane
                        let gyTile = gyb + depths.lowerBound * g.outputPlane
                        if let gradients {
                            vol2col(xb, col, g, depths: depths)
                            sgemm(transB: true, m: M, n: K, k: n, a: gyTile, lda: L, b: col, ldb: n, beta: 1, c: gradients, ldc: K)
                        }
                        if let gx {
                            sgemm(transA: true, m: K, n: n, k: M, a: w, lda: K, b: gyTile, ldb: L, c: col, ldc: n)
                            col2vol(col, gx + b * inVolume, g, depths: depths)
                        }
                    }
                }
            }
        }
    }

    /// `w'[c, m, kd−1−i, kh−1−j, kw−1−l] = w[m, c, i, j, l]`: the kernel of the convolution that
    /// maps `gy` to the input gradient.
    static func flipTransposed(_ w: UnsafePointer<Float>, _ flipped: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let M = g.outChannels, C = g.inChannels, kvol = g.kernelVolume
        for m in 0..<M {
            for c in 0..<C {
                let src = w + (m * C + c) * kvol, dst = flipped + (c * M + m) * kvol
                for i in 0..<kvol { dst[kvol - 1 - i] = src[i] }
            }
        }
    }
}

extension ConvGeometry {
    /// For a unit-stride convolution whose padding is below its kernel on every axis, the geometry
    /// of the convolution `gy ↦ gx` (channels swapped, padding `k − 1 − p`); otherwise `nil`.
    var inputGradientGeometry: ConvGeometry? {
        guard stride == [1, 1, 1], (0..<3).allSatisfy({ padding[$0] < kernel[$0] }) else { return nil }
        return ConvGeometry(inChannels: outChannels, outChannels: inChannels, input: output, kernel: kernel,
                            stride: [1, 1, 1], padding: (0..<3).map { kernel[$0] - 1 - padding[$0] })
    }
}
