extension Kernels {
    /// Zero-padded "same" 2-D cross-correlation of `planes` independent `(H, W)` planes with one
    /// small odd-sized kernel `(kh, kw)`; with `flipped`, correlates with the kernel rotated by
    /// 180° (the adjoint, for the backward pass).
    static func planeFilter(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, planes: Int, h: Int, w: Int,
                            kernel: [Float], kh: Int, kw: Int, flipped: Bool) {
        let rh = kh / 2, rw = kw / 2
        parallelFor(planes, grain: max(1, elementwiseGrain / max(1, h * w * kh * kw))) { range in
            for plane in range {
                let p = src + plane * h * w, q = dst + plane * h * w
                q.update(repeating: 0, count: h * w)
                for i in 0..<kh {
                    for j in 0..<kw {
                        let weight = flipped ? kernel[(kh - 1 - i) * kw + (kw - 1 - j)] : kernel[i * kw + j]
                        if weight == 0 { continue }
                        let dy = i - rh, dx = j - rw
                        let x0 = max(0, -dx), x1 = min(w, w - dx)
                        for y in max(0, -dy)..<min(h, h - dy) {
                            let from = p + (y + dy) * w + dx, to = q + y * w
                            for x in x0..<x1 { to[x] += weight * from[x] }
                        }
                    }
                }
            }
        }
    }
}
