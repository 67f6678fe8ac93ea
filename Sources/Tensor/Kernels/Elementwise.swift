/// A scalar function that ``Tensor`` applies elementwise, with its derivative. The kernels take it
/// as a type, not a closure: their loops are then specialised for it and inline it, where a closure
/// handed through the parallel loop is called once per element (ReLU that way took 4–7 % of the
/// compact forward pass, `Docs/tensor-engine.md`, *Elementwise functions as types*).
protocol ElementwiseFunction: Sendable {
    /// `y = f(x)`.
    func callAsFunction(_ x: Float) -> Float
    /// `dy/dx` given the input `x` and the output `y`.
    func derivative(_ x: Float, _ y: Float) -> Float
}

/// A binary scalar operator applied elementwise with broadcasting (a type for the same reason as
/// ``ElementwiseFunction``).
protocol ElementwiseOperator: Sendable {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

extension Kernels {
    /// `dst[i] = f(src[i])`, split across threads for large counts. `src` may equal `dst`.
    @inline(__always)
    static func map<F: ElementwiseFunction>(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                                            _ f: F) {
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range { dst[i] = f(src[i]) }
        }
    }

    /// `dst[i] = f′(x[i], y[i]) · g[i]`: the gradient through ``map(_:_:count:_:)`` given its input
    /// `x`, its output `y` and the output gradient `g`.
    @inline(__always)
    static func mapGradient<F: ElementwiseFunction>(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                                    _ g: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                                    count: Int, _ f: F) {
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range { dst[i] = f.derivative(x[i], y[i]) * g[i] }
        }
    }

    /// `dst[i] = f(a[i], b[i])`, split across threads for large counts. `f` is called once per
    /// element: for small tensors only (the losses); the hot paths use ``map(_:_:count:_:)`` and
    /// ``broadcastZip(_:_:_:_:_:_:_:)``.
    static func zip(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                    count: Int, _ f: (Float, Float) -> Float) {
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range { dst[i] = f(a[i], b[i]) }
        }
    }

    /// `dst[i] = f(a[i], b[i], c[i])`, split across threads for large counts; as ``zip(_:_:_:count:_:)``,
    /// for small tensors only.
    static func zip3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                     _ dst: UnsafeMutablePointer<Float>, count: Int, _ f: (Float, Float, Float) -> Float) {
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range { dst[i] = f(a[i], b[i], c[i]) }
        }
    }

    /// `dst[i] += src[i]`.
    static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        parallelFor(count, grain: elementwiseGrain) { range in
            for i in range { dst[i] += src[i] }
        }
    }

    /// `out = f(a, b)` with NumPy broadcasting of `aShape` and `bShape` to `outShape`.
    @inline(__always)
    static func broadcastZip<Op: ElementwiseOperator>(_ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>,
                                                      _ bShape: [Int], _ out: UnsafeMutablePointer<Float>, _ outShape: [Int],
                                                      _ f: Op) {
        let count = outShape.elementCount
        if aShape == bShape {
            parallelFor(count, grain: elementwiseGrain) { range in
                for i in range { out[i] = f(a[i], b[i]) }
            }
            return
        }
        let layout = BroadcastLayout(outShape: outShape, aShape: aShape, bShape: bShape)
        let inner = layout.shape.last ?? 1
        let rows = count / max(inner, 1)
        let aInner = layout.aStrides.last ?? 0
        let bInner = layout.bStrides.last ?? 0
        parallelFor(rows, grain: max(1, elementwiseGrain / max(inner, 1))) { range in
            for row in range {
                let (aOffset, bOffset) = layout.offsets(ofRow: row)
                let pa = a + aOffset, pb = b + bOffset, po = out + row * inner
                switch (aInner, bInner) {
                case (1, 1): for j in 0..<inner { po[j] = f(pa[j], pb[j]) }
                case (1, _): let y = pb[0]; for j in 0..<inner { po[j] = f(pa[j], y) }
                case (_, 1): let x = pa[0]; for j in 0..<inner { po[j] = f(x, pb[j]) }
                default: let v = f(pa[0], pb[0]); for j in 0..<inner { po[j] = v }
                }
            }
        }
    }
}

/// Output shape and input strides of a broadcast, with adjacent axes merged where the pattern
/// allows, so that the innermost loop is as long as possible.
struct BroadcastLayout {
    var shape: [Int]
    var aStrides: [Int]
    var bStrides: [Int]

    init(outShape: [Int], aShape: [Int], bShape: [Int]) {
        func paddedStrides(_ s: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: outShape.count - s.count) + s
            let strides = ShapeMath.strides(padded)
            return zip(padded, strides).map { $0.0 == 1 ? 0 : $0.1 }
        }
        let aFull = paddedStrides(aShape), bFull = paddedStrides(bShape)
        var shape: [Int] = [], aS: [Int] = [], bS: [Int] = []
        for axis in 0..<outShape.count where outShape[axis] != 1 {
            let n = outShape[axis], sa = aFull[axis], sb = bFull[axis]
            if let last = shape.last, aS.last! == sa * n, bS.last! == sb * n {
                shape[shape.count - 1] = last * n
                aS[aS.count - 1] = sa
                bS[bS.count - 1] = sb
            } else {
                shape.append(n); aS.append(sa); bS.append(sb)
            }
        }
        self.shape = shape
        aStrides = aS
        bStrides = bS
    }

    /// The offsets into `a` and `b` of the first element of output row `row` (a row being the
    /// innermost merged axis).
    @inline(__always)
    func offsets(ofRow row: Int) -> (Int, Int) {
        var remaining = row, aOffset = 0, bOffset = 0
        var axis = shape.count - 2
        while axis >= 0 && remaining > 0 {
            let i = remaining % shape[axis]
            remaining /= shape[axis]
            aOffset += i * aStrides[axis]
            bOffset += i * bStrides[axis]
            axis -= 1
        }
        return (aOffset, bOffset)
    }
}
