import CBLAS

extension Kernels {
    /// The fewest multiply-adds a block of a split product gets (about 40 µs of arithmetic here),
    /// so that handing a block to another thread costs little beside it; smaller products run on
    /// the calling thread alone.
    static let sgemmSplitWork = 1 << 20

    /// Columns (or rows) per unit when a product is split: a multiple of OpenBLAS's register
    /// blocks, so both halves keep whole micro-tiles.
    static let sgemmSplitUnit = 16

    /// `C = alpha · op(A) · op(B) + beta · C` on row-major matrices, where `op(A)` is `(m, k)`,
    /// `op(B)` is `(k, n)` and `C` is `(m, n)`; `lda`, `ldb`, `ldc` are the row strides of the
    /// matrices as stored.
    ///
    /// OpenBLAS always runs single-threaded here; a large product is split into
    /// ``availableThreads`` blocks of columns of `C` (or of rows, when `m > n`), each one OpenBLAS
    /// call on one of the engine's threads. OpenBLAS's own thread pool hands work over by spinning:
    /// when another process keeps one core busy, its two threads can end up taking turns on the
    /// other, and a batch-1 forward pass of the compact model took 760–925 ms instead of 40 ms in
    /// about half the runs (`Docs/tensor-engine.md`, *Threads*). The engine's threads block
    /// instead of spinning, and no threaded OpenBLAS call is ever in flight when speech synthesis
    /// forks (OpenBLAS stops its pool before a fork, and a threaded call then waited for ever).
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                      alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            scale(c, rows: m, columns: n, stride: ldc, by: beta)
            return
        }
        // `sgemmInBlocks` caps the blocks at the product's whole units.
        let blocks = max(1, min(availableThreads, m * n * k / sgemmSplitWork))
        sgemmInBlocks(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: c, ldc: ldc, blocks: blocks)
    }

    /// ``sgemm`` as `blocks` OpenBLAS calls on as many threads: blocks of whole
    /// ``sgemmSplitUnit``s of columns of `C`, or of rows when `m > n`.
    static func sgemmInBlocks(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, blocks: Int) {
        _ = openBLASSingleThreaded
        func product(m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
        let splitColumns = n >= m
        let length = splitColumns ? n : m
        let units = (length + sgemmSplitUnit - 1) / sgemmSplitUnit
        let blocks = min(blocks, units)
        guard blocks > 1 else {
            product(m: m, n: n, a: a, b: b, c: c)
            return
        }
        concurrently(blocks) { block in
            let lower = min(length, units * block / blocks * sgemmSplitUnit)
            let upper = min(length, units * (block + 1) / blocks * sgemmSplitUnit)
            guard lower < upper else { return }
            if splitColumns {
                // Columns of op(B) are columns of B, or rows of B when it is transposed.
                product(m: m, n: upper - lower, a: a, b: b + (transB ? lower * ldb : lower), c: c + lower)
            } else {
                // Rows of op(A) are rows of A, or columns of A when it is transposed.
                product(m: upper - lower, n: n, a: a + (transA ? lower : lower * lda), b: b, c: c + lower * ldc)
            }
        }
    }

    /// Set once, before the first product: OpenBLAS starts with one thread per core.
    private static let openBLASSingleThreaded: Void = openblas_set_num_threads(1)

    private static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int, by beta: Float) {
        for row in 0..<rows {
            let p = c + row * stride
            for j in 0..<columns { p[j] = beta == 0 ? 0 : p[j] * beta }
        }
    }
}
