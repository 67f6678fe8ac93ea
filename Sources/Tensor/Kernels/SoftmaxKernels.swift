import Foundation

extension Kernels {
    /// Softmax (or log-softmax) of `src`, viewed as `(outer, n, inner)`, over the middle axis.
    static func softmax(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                        outer: Int, n: Int, inner: Int, log: Bool) {
        parallelFor(outer * inner, grain: max(1, elementwiseGrain / max(n, 1))) { range in
            for line in range {
                let o = line / inner, i = line % inner
                let p = src + o * n * inner + i, q = dst + o * n * inner + i
                var peak = -Float.infinity
                for j in 0..<n { peak = Swift.max(peak, p[j * inner]) }
                var total: Float = 0
                for j in 0..<n {
                    let e = Foundation.exp(p[j * inner] - peak)
                    q[j * inner] = e
                    total += e
                }
                if log {
                    let logTotal = Foundation.log(total) + peak
                    for j in 0..<n { q[j * inner] = p[j * inner] - logTotal }
                } else {
                    let scale = 1 / total
                    for j in 0..<n { q[j * inner] *= scale }
                }
            }
        }
    }

    /// The input gradient of softmax given its output `y` and output gradient `g`:
    /// `y · (g − Σ g·y)`; of log-softmax: `g − eʸ · Σ g`.
    static func softmaxBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                outer: Int, n: Int, inner: Int, log: Bool) {
        parallelFor(outer * inner, grain: max(1, elementwiseGrain / max(n, 1))) { range in
            for line in range {
                let offset = (line / inner) * n * inner + line % inner
                let py = y + offset, pg = g + offset, q = dst + offset
                var dot: Float = 0
                if log {
                    for j in 0..<n { dot += pg[j * inner] }
                    for j in 0..<n { q[j * inner] = pg[j * inner] - Foundation.exp(py[j * inner]) * dot }
                } else {
                    for j in 0..<n { dot += pg[j * inner] * py[j * inner] }
                    for j in 0..<n { q[j * inner] = py[j * inner] * (pg[j * inner] - dot) }
                }
            }
        }
    }
}
