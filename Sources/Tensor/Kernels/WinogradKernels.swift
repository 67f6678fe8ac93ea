/// Forward 3×3 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016):
/// every 2×2 output tile costs 16 multiplications per input channel and temporal tap instead of
/// 36, and those multiplications are 16 independent sgemms. Used for kernels `(kd, 3, 3)` with unit
/// strides; the temporal axis is an ordinary sum over `kd` shifted sgemms.
///
/// With `B`, `G`, `A` the F(2, 3) matrices, a 4×4 input tile `d` and a 3×3 kernel `g` give the
/// 2×2 output tile `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`.
extension Kernels {
    /// Whether F(2×2, 3×3) can compute this convolution: a `(kd, 3, 3)` kernel, unit strides and
    /// spatial padding of at most 2.
    static func winogradSupports(_ g: ConvGeometry) -> Bool {
        g.kernel[1] == 3 && g.kernel[2] == 3 && g.stride == [1, 1, 1] && g.padding[1] <= 2 && g.padding[2] <= 2
    }

    /// Whether the forward pass takes the Winograd path: it is supported and its 16 sgemms are
    /// large enough (`M · C · Do · tiles ≥ 2²³` and `Do · tiles ≥ 128`) to repay the transforms;
    /// smaller problems (few channels, or one tile per frame) run faster through vol2col. The
    /// bounds come from timing both paths on the seed preset's shapes.
    static func winogradApplies(_ g: ConvGeometry) -> Bool {
        let tiles = ((g.output[1] + 1) / 2) * ((g.output[2] + 1) / 2)
        let columns = g.output[0] * tiles
        return winogradSupports(g) && columns >= 128 && g.outChannels * g.inChannels * columns >= 1 << 23
    }

    /// `U[ξ][kd][m][c] = (G w[m, c, kd] Gᵀ)[ξ]` for the 16 positions ξ of a 4×4 tile, four input
    /// channels at a time (one SIMD lane each) so that every store is a vector store.
    static func winogradKernelTransform(_ w: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
        let M = g.outChannels, C = g.inChannels, kd = g.kernel[0]
        let plane = kd * M * C  // floats per ξ
        parallelFor(M, grain: 1) { outputs in
            for m in outputs {
                for k in 0..<kd {
                    var c = 0
                    while c < C {
                        let lanes = min(4, C - c)
                        let p = w + ((m * C + c) * kd + k) * 9, step = kd * 9
                        // tap(i)[l] = w[m, c + l, k, i / 3, i % 3]
                        func tap(_ i: Int) -> SIMD4<Float> { gather(p + i, step: step, lanes: lanes) }
                        let g00 = tap(0), g01 = tap(1), g02 = tap(2)
                        let g10 = tap(3), g11 = tap(4), g12 = tap(5)
                        let g20 = tap(6), g21 = tap(7), g22 = tap(8)
                        let base = u + (k * M + m) * C + c
                        // Row i of t = G g, then row i of U = t Gᵀ.
                        func emit(_ t0: SIMD4<Float>, _ t1: SIMD4<Float>, _ t2: SIMD4<Float>, row i: Int) {
                            store(t0, base + (4 * i + 0) * plane, lanes: lanes)
                            store(0.5 * (t0 + t1 + t2), base + (4 * i + 1) * plane, lanes: lanes)
                            store(0.5 * (t0 - t1 + t2), base + (4 * i + 2) * plane, lanes: lanes)
                            store(t2, base + (4 * i + 3) * plane, lanes: lanes)
                        }
                        emit(g00, g01, g02, row: 0)
                        emit(0.5 * (g00 + g10 + g20), 0.5 * (g01 + g11 + g21), 0.5 * (g02 + g12 + g22), row: 1)
                        emit(0.5 * (g00 - g10 + g20), 0.5 * (g01 - g11 + g21), 0.5 * (g02 - g12 + g22), row: 2)
                        emit(g20, g21, g22, row: 3)
                        c += 4
                    }
                }
            }
        }
    }

    /// Stores the first `lanes` lanes of `v` at `p` (one vector store when all four are wanted).
    @inline(__always)
    static func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 4 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
        } else {
            for l in 0..<lanes { p[l] = v[l] }
        }
    }

    /// `v[l] = p[l · step]` for the first `lanes` lanes (zero beyond): one kernel tap of four
    /// input channels.
    @inline(__always)
    static func gather(_ p: UnsafePointer<Float>, step: Int, lanes: Int) -> SIMD4<Float> {
        if lanes == 4 { return SIMD4(p[0], p[step], p[2 * step], p[3 * step]) }
        var v = SIMD4<Float>.zero
        for l in 0..<lanes { v[l] = p[l * step] }
        return v
    }

    /// The first `lanes` floats from `p` (zero beyond): one vector load when all four are wanted.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, lanes: Int) -> SIMD4<Float> {
        if lanes == 4 { return load(p) }
        var v = SIMD4<Float>.zero
        for l in 0..<lanes { v[l] = p[l] }
        return v
    }

    /// Four floats from `p`, unaligned.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// `V[ξ][c][d][tile] = (Bᵀ x_tile B)[ξ]` for every input depth `d` and output tile; `x` is one
    /// batch element `(C, D, H, W)`, tiles start at `(2i − ph, 2j − pw)` and read zeros outside.
    ///
    /// Four horizontally adjacent tiles are transformed at once, one per SIMD lane: the four input
    /// rows of a tile row are zero-padded and split into even and odd columns, so that element
    /// `(a, b)` of tiles `j … j+3` is one contiguous vector load.
    static func winogradInputTransform(_ x: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                                       tilesH: Int, tilesW: Int) {
        let C = g.inChannels, (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (ph, pw) = (g.padding[1], g.padding[2])
        let tiles = tilesH * tilesW
        let plane = C * D * tiles  // floats per ξ
        let half = tilesW + 4  // even (or odd) padded columns, with room for the last vector loads
        parallelFor(C * D, grain: max(1, 256 / max(tiles, 1))) { slices in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 8 * half)
            defer { scratch.deallocate() }
            for slice in slices {
                let src = x + slice * H * W
                let dst = v + slice * tiles
                for ti in 0..<tilesH {
                    scratch.update(repeating: 0, count: 8 * half)
                    for a in 0..<4 {
                        let r = 2 * ti - ph + a
                        guard r >= 0 && r < H else { continue }
                        let even = scratch + 2 * a * half, odd = even + half
                        let row = src + r * W
                        for column in 0..<W {
                            let q = column + pw  // padded column
                            guard q < 2 * half else { break }
                            if q & 1 == 0 { even[q >> 1] = row[column] } else { odd[q >> 1] = row[column] }
                        }
                    }
                    var tj = 0
                    while tj < tilesW {
                        // d[a][b] for tiles tj…tj+3: padded columns 2tj + b.
                        func d(_ a: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
                            let even = scratch + 2 * a * half + tj, odd = even + half
                            return (load(even), load(odd), load(even + 1), load(odd + 1))
                        }
                        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3)
                        let lanes = min(4, tilesW - tj)
                        let out = dst + ti * tilesW + tj
                        // Row a of t = Bᵀ d, then row a of V = t B.
                        func emit(_ t0: SIMD4<Float>, _ t1: SIMD4<Float>, _ t2: SIMD4<Float>, _ t3: SIMD4<Float>, row a: Int) {
                            store(t0 - t2, out + (4 * a + 0) * plane, lanes: lanes)
                            store(t1 + t2, out + (4 * a + 1) * plane, lanes: lanes)
                            store(t2 - t1, out + (4 * a + 2) * plane, lanes: lanes)
                            store(t1 - t3, out + (4 * a + 3) * plane, lanes: lanes)
                        }
                        emit(d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3, row: 0)
                        emit(d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3, row: 1)
                        emit(d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3, row: 2)
                        emit(d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3, row: 3)
                        tj += 4
                    }
                }
            }
        }
    }

    /// `y[m, od, 2i + a, 2j + b] = (Aᵀ Mξ A)[a, b] + bias[m]` from the products
    /// `product[ξ][m][od][tile]`, dropping the tile entries past the output edge; four tiles at a
    /// time, one per SIMD lane.
    static func winogradOutputTransform(_ product: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                        _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tilesH: Int, tilesW: Int) {
        let M = g.outChannels, (Do, Ho, Wo) = (g.output[0], g.output[1], g.output[2])
        let tiles = tilesH * tilesW
        let plane = M * Do * tiles
        parallelFor(M * Do, grain: max(1, 256 / max(tiles, 1))) { slices in
            for slice in slices {
                let shift = bias?[slice / Do] ?? 0
                let src = product + slice * tiles
                let dst = y + slice * Ho * Wo
                var tile = 0
                while tile < tiles {
                    let lanes = min(4, tiles - tile)
                    func p(_ xi: Int) -> SIMD4<Float> { load(src + xi * plane + tile, lanes: lanes) }
                    // s = Aᵀ M (two rows of four), then y = s A.
                    var s0 = (SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero), s1 = s0
                    for b in 0..<4 {
                        let m0 = p(b), m1 = p(4 + b), m2 = p(8 + b), m3 = p(12 + b)
                        let top = m0 + m1 + m2, bottom = m1 - m2 - m3
                        switch b {
                        case 0: s0.0 = top; s1.0 = bottom
                        case 1: s0.1 = top; s1.1 = bottom
                        case 2: s0.2 = top; s1.2 = bottom
                        default: s0.3 = top; s1.3 = bottom
                        }
                    }
                    let y00 = s0.0 + s0.1 + s0.2 + shift, y01 = s0.1 - s0.2 - s0.3 + shift
                    let y10 = s1.0 + s1.1 + s1.2 + shift, y11 = s1.1 - s1.2 - s1.3 + shift
                    for l in 0..<lanes {
                        let ti = (tile + l) / tilesW, tj = (tile + l) % tilesW
                        let r = 2 * ti, column = 2 * tj
                        let top = dst + r * Wo + column
                        top[0] = y00[l]
                        if column + 1 < Wo { top[1] = y01[l] }
                        if r + 1 < Ho {
                            top[Wo] = y10[l]
                            if column + 1 < Wo { top[Wo + 1] = y11[l] }
                        }
                    }
                    tile += 4
                }
            }
        }
    }

    /// Forward convolution of a batch by F(2×2, 3×3); see `winogradApplies`.
    static func winogradForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        winogradRun(positions: 16, tile: 2, x, w, bias, y, batch: batch, g,
                    kernelTransform: winogradKernelTransform, inputTransform: winogradInputTransform,
                    outputTransform: winogradOutputTransform)
    }

    /// The part F(2×2, 3×3) and F(4×4, 3×3) share: the kernel transformed once, then per batch
    /// element the input transform, one sgemm per tile position and temporal tap, and the output
    /// transform. `positions` = (tile + 2)², `tile` the output tile's side. The batch elements are
    /// shared out between the threads, each transformed and multiplied on one thread; a single
    /// element splits its transforms over the threads, and hands out its tile positions' products
    /// one position at a time.
    static func winogradRun(
        positions: Int, tile: Int, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
        _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry,
        kernelTransform: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, ConvGeometry) -> Void,
        inputTransform: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, ConvGeometry, _ tilesH: Int, _ tilesW: Int) -> Void,
        outputTransform: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutablePointer<Float>, ConvGeometry,
                          _ tilesH: Int, _ tilesW: Int) -> Void
    ) {
        let M = g.outChannels, C = g.inChannels, kd = g.kernel[0], pd = g.padding[0]
        let D = g.input[0], Do = g.output[0]
        let tilesH = (g.output[1] + tile - 1) / tile, tilesW = (g.output[2] + tile - 1) / tile, tiles = tilesH * tilesW
        withScratch(positions * kd * M * C) { u in
            kernelTransform(w, u, g)
            // Temporal taps in an order where the first covers every output depth (and so may
            // overwrite instead of accumulate), when one does.
            let taps = (0..<kd).map { k in (k: k, lo: max(0, pd - k), hi: min(Do, D + pd - k)) }.filter { $0.lo < $0.hi }
                .sorted { ($0.hi - $0.lo) > ($1.hi - $1.lo) }
            let firstCoversAll = taps.first.map { $0.lo == 0 && $0.hi == Do } ?? false
            concurrently(batch) { b in
                withScratch(positions * C * D * tiles, positions * M * Do * tiles) { v, product in
                    inputTransform(x + b * C * g.inputVolume, v, g, tilesH, tilesW)
                    if !firstCoversAll { product.update(repeating: 0, count: positions * M * Do * tiles) }
                    // The tile positions are independent: one at a time per thread (when this
                    // element is not already one thread's work item), each position's products whole.
                    concurrently(positions) { xi in
                        for (index, tap) in taps.enumerated() {
                            // Output depths whose input depth od + k − pd lies inside the clip.
                            sgemm(m: M, n: (tap.hi - tap.lo) * tiles, k: C, a: u + (xi * kd + tap.k) * M * C, lda: C,
                                  b: v + xi * C * D * tiles + (tap.lo + tap.k - pd) * tiles, ldb: D * tiles,
                                  beta: index == 0 && firstCoversAll ? 0 : 1,
                                  c: product + xi * M * Do * tiles + tap.lo * tiles, ldc: Do * tiles)
                        }
                    }
                    outputTransform(product, bias, y + b * M * g.outputVolume, g, tilesH, tilesW)
                }
            }
        }
    }
}
