/// Forward 3×3 convolution by Winograd's F(4×4, 3×3) (Lavin & Gray, 2016): every 4×4 output tile
/// costs 36 multiplications per input channel and temporal tap instead of F(2×2, 3×3)'s 64 (and
/// the direct 144), as 36 independent sgemms. Used instead of F(2×2, 3×3) where a frame has
/// enough 4×4 tiles to keep those sgemms wide (``winograd4Applies``).
///
/// With the interpolation points 0, ±1, ±2 and ∞, a 6×6 input tile `d` and a 3×3 kernel `g` give
/// the 4×4 output tile `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`, where
///
///     Bᵀ = [4  0 −5  0  1  0]     G = [ 1/4     0     0 ]     Aᵀ = [1  1  1  1  1  0]
///          [0 −4 −4  1  1  0]         [−1/6  −1/6  −1/6 ]          [0  1 −1  2 −2  0]
///          [0  4 −4 −1  1  0]         [−1/6   1/6  −1/6 ]          [0  1  1  4  4  0]
///          [0 −2 −1  2  1  0]         [1/24  1/12   1/6 ]          [0  1 −1  8 −8  1]
///          [0  2 −1 −2  1  0]         [1/24 −1/12   1/6 ]
///          [0  4  0 −5  0  1]         [ 0       0     1 ]
extension Kernels {
    /// Whether a convolution that F(2×2, 3×3) would compute (``winogradApplies``) goes through
    /// F(4×4, 3×3) instead: when each frame holds at least 3×3 output tiles of 4×4 and all frames
    /// at least 128, so that the 36 sgemms stay as wide as F(2×2, 3×3)'s minimum. Measured on the
    /// seed preset, alternating in one process (`bench ops`, best of 15–20): 16×16 planes
    /// (`visual.layer1`) 19.5–23.7 ms against 21.7–44.3 ms with F(2×2, 3×3); 8×8 planes
    /// (`visual.layer2.conv2`, 2×2 tiles per frame) 14.6–31.4 against 15.8–24.6 ms — no clear
    /// gain, so those keep F(2×2, 3×3).
    static func winograd4Applies(_ g: ConvGeometry) -> Bool {
        let tilesPerFrame = ((g.output[1] + 3) / 4) * ((g.output[2] + 3) / 4)
        return winogradApplies(g) && tilesPerFrame >= 9 && g.output[0] * tilesPerFrame >= 128
    }

    /// `Bᵀ d` for one column of a 6×6 tile (or `(d B)ᵀ` for one row): four tiles, one per lane.
    @inline(__always)
    private static func inputRows(_ d0: SIMD4<Float>, _ d1: SIMD4<Float>, _ d2: SIMD4<Float>, _ d3: SIMD4<Float>,
                                  _ d4: SIMD4<Float>, _ d5: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>,
                                                                              SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let four: SIMD4<Float> = .init(repeating: 4), five: SIMD4<Float> = .init(repeating: 5), two: SIMD4<Float> = .init(repeating: 2)
        let a = d4 - four * d2, b = d3 - four * d1  // rows 1 and 2: a ± b
        let c = d4 - d2, e = two * (d3 - d1)        // rows 3 and 4: c ± e
        return (four * d0 - five * d2 + d4, a + b, a - b, c + e, c - e, four * d1 - five * d3 + d5)
    }

    /// `Aᵀ m` for one column of a 6×6 product tile (or `(m A)ᵀ` for one row): four values.
    @inline(__always)
    private static func outputRows(_ m0: SIMD4<Float>, _ m1: SIMD4<Float>, _ m2: SIMD4<Float>, _ m3: SIMD4<Float>,
                                   _ m4: SIMD4<Float>, _ m5: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4
        let two: SIMD4<Float> = .init(repeating: 2), four: SIMD4<Float> = .init(repeating: 4), eight: SIMD4<Float> = .init(repeating: 8)
        return (m0 + sum12 + sum34, diff12 + two * diff34, sum12 + four * sum34, diff12 + eight * diff34 + m5)
    }

    /// `G g` for one column of a 3×3 kernel (or `(g Gᵀ)ᵀ` for one row): six values.
    @inline(__always)
    private static func kernelRows(_ g0: SIMD4<Float>, _ g1: SIMD4<Float>, _ g2: SIMD4<Float>)
        -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let sixth = SIMD4<Float>(repeating: 1 / 6), outer = g0 + g2
        let a = g0 * SIMD4(repeating: 1 / 24) + g2 * sixth, b = g1 * SIMD4(repeating: 1 / 12)
        return (g0 * SIMD4(repeating: 1 / 4), -(outer + g1) * sixth, -(outer - g1) * sixth, a + b, a - b, g2)
    }

    /// `U[ξ][kd][m][c] = (G w[m, c, kd] Gᵀ)[ξ]` for the 36 positions ξ of a 6×6 tile, four input
    /// channels at a time (one SIMD lane each).
    static func winograd4KernelTransform(_ w: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
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
                        // Columns of G g (six rows each), then each row i of t times Gᵀ.
                        let c0 = kernelRows(tap(0), tap(3), tap(6))
                        let c1 = kernelRows(tap(1), tap(4), tap(7))
                        let c2 = kernelRows(tap(2), tap(5), tap(8))
                        let base = u + (k * M + m) * C + c
                        func emit(_ row: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), _ i: Int) {
                            store6(row, base + 6 * i * plane, plane: plane, lanes: lanes)
                        }
                        emit(kernelRows(c0.0, c1.0, c2.0), 0)
                        emit(kernelRows(c0.1, c1.1, c2.1), 1)
                        emit(kernelRows(c0.2, c1.2, c2.2), 2)
                        emit(kernelRows(c0.3, c1.3, c2.3), 3)
                        emit(kernelRows(c0.4, c1.4, c2.4), 4)
                        emit(kernelRows(c0.5, c1.5, c2.5), 5)
                        c += 4
                    }
                }
            }
        }
    }

    /// Stores six vectors `row.j` at `at + j · plane` (their first `lanes` lanes).
    @inline(__always)
    private static func store6(_ row: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>),
                               _ at: UnsafeMutablePointer<Float>, plane: Int, lanes: Int) {
        store(row.0, at, lanes: lanes)
        store(row.1, at + plane, lanes: lanes)
        store(row.2, at + 2 * plane, lanes: lanes)
        store(row.3, at + 3 * plane, lanes: lanes)
        store(row.4, at + 4 * plane, lanes: lanes)
        store(row.5, at + 5 * plane, lanes: lanes)
    }

    /// `V[ξ][c][d][tile] = (Bᵀ x_tile B)[ξ]` for every input depth `d` and output tile; `x` is one
    /// batch element `(C, D, H, W)`, tiles start at `(4i − ph, 4j − pw)` and read zeros outside.
    ///
    /// Four horizontally adjacent tiles are transformed at once, one per SIMD lane: the six input
    /// rows of a tile row are zero-padded and split by padded column modulo 4, so that element
    /// `(a, b)` of tiles `j … j+3` (padded column `4j + b`) is one contiguous vector load.
    static func winograd4InputTransform(_ x: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                                        tilesH: Int, tilesW: Int) {
        let C = g.inChannels, (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (ph, pw) = (g.padding[1], g.padding[2])
        let tiles = tilesH * tilesW
        let plane = C * D * tiles  // floats per ξ
        let quarter = tilesW + 4   // padded columns per phase, with room for the last vector loads
        parallelFor(C * D, grain: max(1, 256 / max(tiles, 1))) { slices in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 24 * quarter)
            defer { scratch.deallocate() }
            for slice in slices {
                let src = x + slice * H * W
                let dst = v + slice * tiles
                for ti in 0..<tilesH {
                    scratch.update(repeating: 0, count: 24 * quarter)
                    for a in 0..<6 {
                        let r = 4 * ti - ph + a
                        guard r >= 0 && r < H else { continue }
                        let phases = scratch + 4 * a * quarter
                        let row = src + r * W
                        for column in 0..<W {
                            let q = column + pw  // padded column
                            guard q < 4 * quarter else { break }
                            phases[(q & 3) * quarter + (q >> 2)] = row[column]
                        }
                    }
                    var tj = 0
                    while tj < tilesW {
                        // d(a, b) for tiles tj…tj+3: padded column 4tj + b.
                        func d(_ a: Int, _ b: Int) -> SIMD4<Float> {
                            load(scratch + 4 * a * quarter + (b & 3) * quarter + tj + (b >> 2))
                        }
                        // Columns of Bᵀ d, then each row i of t times B.
                        func column(_ b: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
                            inputRows(d(0, b), d(1, b), d(2, b), d(3, b), d(4, b), d(5, b))
                        }
                        let t0 = column(0), t1 = column(1), t2 = column(2), t3 = column(3), t4 = column(4), t5 = column(5)
                        let lanes = min(4, tilesW - tj)
                        let out = dst + ti * tilesW + tj
                        func emit(_ row: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), _ i: Int) {
                            store6(row, out + 6 * i * plane, plane: plane, lanes: lanes)
                        }
                        emit(inputRows(t0.0, t1.0, t2.0, t3.0, t4.0, t5.0), 0)
                        emit(inputRows(t0.1, t1.1, t2.1, t3.1, t4.1, t5.1), 1)
                        emit(inputRows(t0.2, t1.2, t2.2, t3.2, t4.2, t5.2), 2)
                        emit(inputRows(t0.3, t1.3, t2.3, t3.3, t4.3, t5.3), 3)
                        emit(inputRows(t0.4, t1.4, t2.4, t3.4, t4.4, t5.4), 4)
                        emit(inputRows(t0.5, t1.5, t2.5, t3.5, t4.5, t5.5), 5)
                        tj += 4
                    }
                }
            }
        }
    }

    /// `y[m, od, 4i + a, 4j + b] = (Aᵀ Mξ A)[a, b] + bias[m]` from the products
    /// `product[ξ][m][od][tile]`, dropping the tile entries past the output edge; four tiles at a
    /// time, one per SIMD lane.
    static func winograd4OutputTransform(_ product: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                         _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tilesH: Int, tilesW: Int) {
        let M = g.outChannels, (Do, Ho, Wo) = (g.output[0], g.output[1], g.output[2])
        let tiles = tilesH * tilesW
        let plane = M * Do * tiles
        parallelFor(M * Do, grain: max(1, 256 / max(tiles, 1))) { slices in
            for slice in slices {
                let shift = SIMD4<Float>(repeating: bias?[slice / Do] ?? 0)
                let src = product + slice * tiles
                let dst = y + slice * Ho * Wo
                var tile = 0
                while tile < tiles {
                    let lanes = min(4, tiles - tile)
                    func p(_ xi: Int) -> SIMD4<Float> { load(src + xi * plane + tile, lanes: lanes) }
                    // Columns of Aᵀ M (four rows each), then each row i of s times A.
                    func column(_ b: Int) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
                        outputRows(p(b), p(6 + b), p(12 + b), p(18 + b), p(24 + b), p(30 + b))
                    }
                    let s0 = column(0), s1 = column(1), s2 = column(2), s3 = column(3), s4 = column(4), s5 = column(5)
                    let y0 = outputRows(s0.0, s1.0, s2.0, s3.0, s4.0, s5.0), y1 = outputRows(s0.1, s1.1, s2.1, s3.1, s4.1, s5.1)
                    let y2 = outputRows(s0.2, s1.2, s2.2, s3.2, s4.2, s5.2), y3 = outputRows(s0.3, s1.3, s2.3, s3.3, s4.3, s5.3)
                    for l in 0..<lanes {
                        let ti = (tile + l) / tilesW, tj = (tile + l) % tilesW
                        let r = 4 * ti, column = 4 * tj
                        let width = min(4, Wo - column)
                        // Row i of the tile, lane l, its first `width` entries.
                        func write(_ row: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), _ i: Int) {
                            guard r + i < Ho else { return }
                            let out = dst + (r + i) * Wo + column
                            out[0] = row.0[l] + shift[l]
                            if width > 1 { out[1] = row.1[l] + shift[l] }
                            if width > 2 { out[2] = row.2[l] + shift[l] }
                            if width > 3 { out[3] = row.3[l] + shift[l] }
                        }
                        write(y0, 0)
                        write(y1, 1)
                        write(y2, 2)
                        write(y3, 3)
                    }
                    tile += 4
                }
            }
        }
    }

    /// Forward convolution of a batch by F(4×4, 3×3), shared out like ``winogradForward``.
    static func winograd4Forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                 _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        winogradRun(positions: 36, tile: 4, x, w, bias, y, batch: batch, g,
                    kernelTransform: winograd4KernelTransform, inputTransform: winograd4InputTransform,
                    outputTransform: winograd4OutputTransform)
    }
}
