extension Kernels {
    /// Sums `src` (of `shape`) over the sorted axes `axes` into `dst`, which holds the kept axes
    /// in order. Sequential, so the result does not depend on the thread count.
    static func sum(_ src: UnsafePointer<Float>, shape: [Int], axes: [Int], into dst: UnsafeMutablePointer<Float>) {
        let reducedSet = Set(axes)
        var groups: [(extent: Int, reduced: Bool)] = []
        for (axis, extent) in shape.enumerated() where extent != 1 {
            let reduced = reducedSet.contains(axis)
            if let last = groups.last, last.reduced == reduced {
                groups[groups.count - 1].extent = last.extent * extent
            } else {
                groups.append((extent, reduced))
            }
        }
        let outCount = groups.filter { !$0.reduced }.map(\.extent).reduce(1, *)
        dst.initialize(repeating: 0, count: outCount)
        guard let innermost = groups.last else {
            dst[0] = shape.elementCount == 0 ? 0 : src[0]
            return
        }
        let inner = innermost.extent
        let prefix = Array(groups.dropLast())
        let rows = prefix.map(\.extent).reduce(1, *)
        for row in 0..<rows {
            var remaining = row, outIndex = 0, outScale = innermost.reduced ? 1 : inner
            for group in prefix.reversed() {
                let i = remaining % group.extent
                remaining /= group.extent
                if !group.reduced {
                    outIndex += i * outScale
                    outScale *= group.extent
                }
            }
            let p = src + row * inner
            if innermost.reduced {
                var s: Double = 0
                for j in 0..<inner { s += Double(p[j]) }
                dst[outIndex] += Float(s)
            } else {
                let q = dst + outIndex
                for j in 0..<inner { q[j] += p[j] }
            }
        }
    }
}
