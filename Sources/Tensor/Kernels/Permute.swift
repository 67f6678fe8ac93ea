extension Kernels {
    /// Writes `src` (of `shape`) with its axes reordered so that output axis `i` is input axis
    /// `order[i]`, into `dst`. Parallel over output rows.
    static func permute(_ src: UnsafePointer<Float>, shape: [Int], order: [Int], into dst: UnsafeMutablePointer<Float>) {
        let inStrides = ShapeMath.strides(shape)
        // Merge output axes that stay adjacent and in order in the input.
        var outShape: [Int] = [], strides: [Int] = []
        for axis in order where shape[axis] != 1 {
            if let last = strides.last, last == inStrides[axis] * shape[axis] {
                outShape[outShape.count - 1] *= shape[axis]
                strides[strides.count - 1] = inStrides[axis]
            } else {
                outShape.append(shape[axis])
                strides.append(inStrides[axis])
            }
        }
        let total = shape.elementCount
        guard let inner = outShape.last, total > 0 else {
            if total > 0 { dst[0] = src[0] }
            return
        }
        let innerStride = strides.last!
        let rows = total / inner
        parallelFor(rows, grain: max(1, elementwiseGrain / inner)) { range in
            for row in range {
                var remaining = row, offset = 0
                var axis = outShape.count - 2
                while axis >= 0 && remaining > 0 {
                    offset += (remaining % outShape[axis]) * strides[axis]
                    remaining /= outShape[axis]
                    axis -= 1
                }
                let p = src + offset, q = dst + row * inner
                if innerStride == 1 {
                    q.update(from: p, count: inner)
                } else {
                    for j in 0..<inner { q[j] = p[j * innerStride] }
                }
            }
        }
    }

    /// Copies `blocks` blocks of `length` floats from `src` (blocks `srcStride` apart) to `dst`
    /// (blocks `dstStride` apart); with `accumulate`, adds instead of overwriting.
    static func copyBlocks(_ src: UnsafePointer<Float>, srcStride: Int, _ dst: UnsafeMutablePointer<Float>,
                           dstStride: Int, blocks: Int, length: Int, accumulate: Bool = false) {
        parallelFor(blocks, grain: max(1, elementwiseGrain / max(length, 1))) { range in
            for block in range {
                let p = src + block * srcStride, q = dst + block * dstStride
                if accumulate {
                    for j in 0..<length { q[j] += p[j] }
                } else {
                    q.update(from: p, count: length)
                }
            }
        }
    }
}
