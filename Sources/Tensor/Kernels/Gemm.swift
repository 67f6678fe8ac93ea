import CBLAS
import Foundation

extension Kernels {
    /// `C = alpha · op(A) · op(B) + beta · C` on row-major matrices, where `op(A)` is `(m, k)`,
    /// `op(B)` is `(k, n)` and `C` is `(m, n)`; `lda`, `ldb`, `ldc` are the row strides of the
    /// matrices as stored.
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                      alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            scale(c, rows: m, columns: n, stride: ldc, by: beta)
            return
        }
        let call = {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
        if openblas_get_num_threads() > 1 {
            OpenBLASGuard.threadedCall(call)
        } else {
            call()
        }
    }

    private static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int, by beta: Float) {
        for row in 0..<rows {
            let p = c + row * stride
            for j in 0..<columns { p[j] = beta == 0 ? 0 : p[j] * beta }
        }
    }
}
