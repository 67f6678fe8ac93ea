// Matrix products: matmul, batched matmul and the fully connected layer.

/// Matrix product, batched over leading axes.
/// `a: (…, M, K) × b: (…, K, N) → (…, M, N)` with equal leading axes, or `b: (K, N)` shared by
/// every batch.
/// - Throws: `TensorError.shapeMismatch` when inner extents or batch axes disagree.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try batchedProduct(a, b, transposeB: false, op: "matmul")
}

/// `a · bᵀ` over the last two axes without materialising the transpose.
/// `a: (…, M, K) × b: (…, N, K) → (…, M, N)` (or `b: (N, K)` shared).
/// - Throws: `TensorError.shapeMismatch` when inner extents or batch axes disagree.
public func matmulTransposed(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try batchedProduct(a, b, transposeB: true, op: "matmulTransposed")
}

private func batchedProduct(_ a: Tensor, _ b: Tensor, transposeB: Bool, op: String) throws -> Tensor {
    guard a.rank >= 2, b.rank >= 2 else { throw TensorError.shapeMismatch(op: op, lhs: a.shape, rhs: b.shape) }
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
    let bRows = b.shape[b.rank - 2], bColumns = b.shape[b.rank - 1]
    let (kb, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
    let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
    guard k == kb, bBatch.isEmpty || aBatch == bBatch else {
        throw TensorError.shapeMismatch(op: op, lhs: a.shape, rhs: b.shape)
    }
    let shared = bBatch.isEmpty
    let batches = aBatch.reduce(1, *)
    let outShape = aBatch + [m, n]
    let y = Tensor.make(outShape) { out in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                if shared {
                    // Rows of every batch stack into one (batches·M, K) matrix.
                    Kernels.sgemm(transB: transposeB, m: batches * m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                  b: pb.baseAddress!, ldb: bColumns, c: out, ldc: n)
                } else {
                    for i in 0..<batches {
                        Kernels.sgemm(transB: transposeB, m: m, n: n, k: k, a: pa.baseAddress! + i * m * k, lda: k,
                                      b: pb.baseAddress! + i * k * n, ldb: bColumns, c: out + i * m * n, ldc: n)
                    }
                }
            }
        }
    }
    return y.recorded(op, [a, b]) { g, needs in
        var ga: Tensor?, gb: Tensor?
        g.withUnsafeBufferPointer { pg in
            if needs[0] {
                // dA = dC · op(B)ᵀ
                ga = Tensor.make(a.shape) { out in
                    b.withUnsafeBufferPointer { pb in
                        if shared {
                            Kernels.sgemm(transB: !transposeB, m: batches * m, n: k, k: n, a: pg.baseAddress!, lda: n,
                                          b: pb.baseAddress!, ldb: bColumns, c: out, ldc: k)
                        } else {
                            for i in 0..<batches {
                                Kernels.sgemm(transB: !transposeB, m: m, n: k, k: n, a: pg.baseAddress! + i * m * n, lda: n,
                                              b: pb.baseAddress! + i * k * n, ldb: bColumns, c: out + i * m * k, ldc: k)
                            }
                        }
                    }
                }
            }
            if needs[1] {
                // d op(B) = Aᵀ · dC; for a transposed B that is dCᵀ · A.
                gb = Tensor.make(b.shape) { out in
                    a.withUnsafeBufferPointer { pa in
                        let count = shared ? 1 : batches
                        let rows = shared ? batches * m : m
                        for i in 0..<count {
                            let pA = pa.baseAddress! + i * rows * k, pG = pg.baseAddress! + i * rows * n
                            let pB = out + i * k * n
                            if transposeB {
                                Kernels.sgemm(transA: true, m: n, n: k, k: rows, a: pG, lda: n, b: pA, ldb: k, c: pB, ldc: k)
                            } else {
                                Kernels.sgemm(transA: true, m: k, n: n, k: rows, a: pA, lda: k, b: pG, ldb: n, c: pB, ldc: n)
                            }
                        }
                    }
                }
            }
        }
        return [ga, gb]
    }
}

/// The fully connected layer `y = x · Wᵀ + b` over the last axis.
/// `x: (…, in), weight: (out, in), bias: (out) → (…, out)`.
/// - Throws: `TensorError.shapeMismatch` when `x`'s last extent is not `in` or the bias is not `(out)`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    guard weight.rank == 2, x.rank >= 1, x.shape[x.rank - 1] == weight.shape[1] else {
        throw TensorError.shapeMismatch(op: "linear", lhs: x.shape, rhs: weight.shape)
    }
    if let bias, bias.shape != [weight.shape[0]] {
        throw TensorError.shapeMismatch(op: "linear.bias", lhs: weight.shape, rhs: bias.shape)
    }
    let y = try matmulTransposed(x.rank == 1 ? x.reshaped(to: [1, x.count]) : x, weight) // (…, out)
    let out = try bias.map { try y + $0 } ?? y
    return x.rank == 1 ? try out.reshaped(to: [weight.shape[0]]) : out
}
