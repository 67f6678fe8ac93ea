/// A linear map along one axis, `y[j] = Σₜ weight[t] · x[index[t]]` for taps `t` of output `j`:
/// adaptive average pooling and linear interpolation are both of this form.
struct Resampling: Sendable {
    let inputSize: Int
    let outputSize: Int
    /// Taps of output `j` are `tapStart[j]..<tapStart[j + 1]`.
    let tapStart: [Int]
    let index: [Int]
    let weight: [Float]

    init(inputSize: Int, taps: [[(index: Int, weight: Float)]]) {
        self.inputSize = inputSize
        outputSize = taps.count
        var starts = [0]
        for t in taps { starts.append(starts.last! + t.count) }
        tapStart = starts
        index = taps.flatMap { $0.map(\.index) }
        weight = taps.flatMap { $0.map(\.weight) }
    }
}

extension Kernels {
    /// Applies `r` along the middle axis of `src` viewed as `(outer, r.inputSize, inner)`, giving
    /// `(outer, r.outputSize, inner)`. With `adjoint`, applies its transpose (the backward pass):
    /// `src` is `(outer, outputSize, inner)` and `dst` `(outer, inputSize, inner)`.
    static func resample(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ r: Resampling,
                         outer: Int, inner: Int, adjoint: Bool) {
        let (inRows, outRows) = adjoint ? (r.outputSize, r.inputSize) : (r.inputSize, r.outputSize)
        let outputSize = r.outputSize
        r.tapStart.withUnsafeBufferPointer { tapStart in
            r.index.withUnsafeBufferPointer { index in
                r.weight.withUnsafeBufferPointer { weight in
                    parallelFor(outer, grain: max(1, elementwiseGrain / max(1, inner * outRows))) { range in
                        for o in range {
                            let p = src + o * inRows * inner, q = dst + o * outRows * inner
                            if inner == 1 && !adjoint {
                                // Along the last axis: one dot product of taps per output.
                                for j in 0..<outputSize {
                                    var sum: Float = 0
                                    for t in tapStart[j]..<tapStart[j + 1] { sum += weight[t] * p[index[t]] }
                                    q[j] = sum
                                }
                                continue
                            }
                            q.update(repeating: 0, count: outRows * inner)
                            for j in 0..<outputSize {
                                for t in tapStart[j]..<tapStart[j + 1] {
                                    let w = weight[t]
                                    let (from, to) = adjoint ? (p + j * inner, q + index[t] * inner) : (p + index[t] * inner, q + j * inner)
                                    for i in 0..<inner { to[i] += w * from[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Max pooling of `planes` independent `(D, H, W)` volumes with `-∞` padding; writes the
    /// output and, per output element, the flat in-plane index of the maximum (first on ties).
    static func maxPool(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<Int32>,
                        planes: Int, input: [Int], output: [Int], kernel: [Int], stride: [Int], padding: [Int]) {
        let g = PoolWindows(input: input, output: output, kernel: kernel, stride: stride, padding: padding)
        let (H, W, Wo, kw, sw, pw) = (g.H, g.W, g.Wo, g.kw, g.sw, g.pw)
        g.forEachPlane(planes) { plane in
            let p = x + plane * g.inPlane
            var q = y + plane * g.outPlane, a = argmax + plane * g.outPlane
            g.forEachOutputRow { depths, rows in
                for ow in 0..<Wo {
                    let w0 = ow * sw - pw
                    let wLow = max(w0, 0), wHigh = min(w0 + kw, W)
                    var best = -Float.infinity, bestIndex = (depths.lowerBound * H + rows.lowerBound) * W + wLow
                    for id in depths {
                        for ih in rows {
                            let row = (id * H + ih) * W
                            var iw = wLow
                            while iw < wHigh {
                                let v = p[row + iw]
                                if v > best || v.isNaN {
                                    best = v
                                    bestIndex = row + iw
                                }
                                iw += 1
                            }
                        }
                    }
                    q.pointee = best
                    a.pointee = Int32(bestIndex)
                    q += 1
                    a += 1
                }
            }
        }
    }

    /// `maxPool`'s output without the positions of the maxima (inference: nothing will need
    /// them). Same values, NaN included (a window holding a NaN gives NaN). Each output row is
    /// built tap by tap over whole rows — `kd·kh·kw` passes of one compare per output — instead
    /// of window by window, so the inner loop has no bounds tests and no index bookkeeping.
    static func maxPoolValues(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                              planes: Int, input: [Int], output: [Int], kernel: [Int], stride: [Int], padding: [Int]) {
        let g = PoolWindows(input: input, output: output, kernel: kernel, stride: stride, padding: padding)
        let (H, W, Wo, sw, pw) = (g.H, g.W, g.Wo, g.sw, g.pw)
        // The output columns each horizontal tap reaches inside the row.
        let columns = (0..<g.kw).map { validRange(kernelOffset: $0, padding: pw, stride: sw, input: W, output: Wo) }
        columns.withUnsafeBufferPointer { columns in
            g.forEachPlane(planes) { plane in
                let p = x + plane * g.inPlane
                var q = y + plane * g.outPlane
                g.forEachOutputRow { depths, rows in
                    q.update(repeating: -.infinity, count: Wo)
                    for id in depths {
                        for ih in rows {
                            let row = p + (id * H + ih) * W
                            for (t, (lo, hi)) in columns.enumerated() {
                                maxInto(q, from: row, offset: t - pw, stride: sw, columns: lo..<hi, rowLength: W)
                            }
                        }
                    }
                    q += Wo
                }
            }
        }
    }

    /// `q[j] = max(q[j], row[offset + j·stride])` for `j` in `columns`, a NaN on either side
    /// winning (as in `maxPool`). Eight and four outputs at a time for strides 1 and 2 (the pooling
    /// strides the model uses); `offset + j·stride` lies in `0..<rowLength` for every `j`.
    @inline(__always)
    private static func maxInto(_ q: UnsafeMutablePointer<Float>, from row: UnsafePointer<Float>, offset: Int, stride: Int,
                                columns: Range<Int>, rowLength: Int) {
        var j = columns.lowerBound
        if stride <= 2 {
            // A vector of `n` outputs reads `n·stride` consecutive floats from `offset + j·stride`.
            while j + 8 <= columns.upperBound && offset &+ (j &+ 8) &* stride <= rowLength {
                let source = UnsafeRawPointer(row + (offset &+ j &* stride))
                maxStep(q + j, stride == 1 ? source.loadUnaligned(as: SIMD8<Float>.self)
                                           : source.loadUnaligned(as: SIMD16<Float>.self).evenHalf)
                j &+= 8
            }
            if j + 4 <= columns.upperBound && offset &+ (j &+ 4) &* stride <= rowLength {
                let source = UnsafeRawPointer(row + (offset &+ j &* stride))
                maxStep(q + j, stride == 1 ? source.loadUnaligned(as: SIMD4<Float>.self)
                                           : source.loadUnaligned(as: SIMD8<Float>.self).evenHalf)
                j &+= 4
            }
        }
        while j < columns.upperBound {
            let v = row[offset &+ j &* stride], a = q[j]
            q[j] = v > a || v != v ? v : a
            j &+= 1
        }
    }

    /// `q[0..<8] = max(q, v)` lane by lane, a NaN on either side winning. (Concrete widths: a
    /// generic `SIMD` version was not specialised here and ran nine times slower.)
    @inline(__always)
    private static func maxStep(_ q: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
        let a = UnsafeRawPointer(q).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(q).storeBytes(of: a.replacing(with: v, where: (v .> a) .| (v .!= v)), as: SIMD8<Float>.self)
    }

    /// `q[0..<4] = max(q, v)`, as the 8-wide step.
    @inline(__always)
    private static func maxStep(_ q: UnsafeMutablePointer<Float>, _ v: SIMD4<Float>) {
        let a = UnsafeRawPointer(q).loadUnaligned(as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(q).storeBytes(of: a.replacing(with: v, where: (v .> a) .| (v .!= v)), as: SIMD4<Float>.self)
    }

    /// The adjoint of `maxPool`: adds each output gradient to its maximum's position.
    static func maxPoolBackward(_ g: UnsafePointer<Float>, _ argmax: UnsafePointer<Int32>, _ dx: UnsafeMutablePointer<Float>,
                                planes: Int, inPlane: Int, outPlane: Int) {
        parallelFor(planes, grain: max(1, elementwiseGrain / max(1, outPlane))) { range in
            for plane in range {
                let q = dx + plane * inPlane, pg = g + plane * outPlane, pa = argmax + plane * outPlane
                q.update(repeating: 0, count: inPlane)
                for i in 0..<outPlane { q[Int(pa[i])] += pg[i] }
            }
        }
    }
}

/// The windows of max pooling over one `(D, H, W)` plane: sizes, and the loops both pooling
/// kernels share.
struct PoolWindows {
    let D, H, W, Do, Ho, Wo, kd, kh, kw, sd, sh, sw, pd, ph, pw: Int
    var inPlane: Int { D * H * W }
    var outPlane: Int { Do * Ho * Wo }

    init(input: [Int], output: [Int], kernel: [Int], stride: [Int], padding: [Int]) {
        (D, H, W) = (input[0], input[1], input[2])
        (Do, Ho, Wo) = (output[0], output[1], output[2])
        (kd, kh, kw) = (kernel[0], kernel[1], kernel[2])
        (sd, sh, sw) = (stride[0], stride[1], stride[2])
        (pd, ph, pw) = (padding[0], padding[1], padding[2])
    }

    /// Runs `body` for every plane in `0..<planes`, planes split over the engine's threads.
    @inline(__always)
    func forEachPlane(_ planes: Int, _ body: (Int) -> Void) {
        Kernels.parallelFor(planes, grain: max(1, Kernels.elementwiseGrain / max(1, outPlane * kd * kh * kw))) { range in
            for plane in range { body(plane) }
        }
    }

    /// Runs `body` for every output row `(od, oh)` in order, with the input depths and rows its
    /// windows cover (the padding cut off).
    @inline(__always)
    func forEachOutputRow(_ body: (_ depths: Range<Int>, _ rows: Range<Int>) -> Void) {
        for od in 0..<Do {
            let d0 = od * sd - pd
            let depths = max(d0, 0)..<min(d0 + kd, D)
            for oh in 0..<Ho {
                let h0 = oh * sh - ph
                body(depths, max(h0, 0)..<min(h0 + kh, H))
            }
        }
    }
}
