/// A direct convolution for stride (1, 2, 2), kernel width 7 and few input channels — the visual
/// and audio stems — held in 512-bit registers.
///
/// This module is compiled for AVX-512 (`-target-cpu skylake-avx512`, Package.swift); the Tensor
/// module calls it only after checking that the processor and the kernel support AVX-512
/// (`Kernels.wideKernelsSupported`). Nothing here may be inlined into other modules.
///
/// The input arrives as two **column phases**: the padded input's even and odd columns, each
/// contiguous, so the stride-2 taps of a row become plain vector loads. Phase `p` holds padded
/// column `2j + p` at index `j`; padded position `(d, r, pc)` is the input's `(d − pd, r − ph,
/// pc − pw)`, zero outside it. Layout `phases: (2, C, depths, rows, columns)`.
///
/// Output `y: (M, Do, Ho, Wo)` (one batch element) for output depths `depths`:
/// `y[m, od, oy, ox] = bias[m] + Σ_{c, t, ky, kx} w[m, c, t, ky, kx] · padded[c, od + t, 2·oy + ky, 2·ox + kx]`.
/// Blocks of 4 output channels × 2 output rows × 32 output columns (16 accumulators) are summed
/// tap by tap in registers and stored once.
public enum StrideTwoConvolution {
    /// The sizes of one call. `columns ≥ 32·⌈Wo/32⌉ + 3` and `rows ≥ 2·(Ho + Ho mod 2) + kernelHeight − 2`,
    /// `depths ≥ Do + kernelDepth − 1`, so every vector load stays inside the phases.
    public struct Geometry: Sendable {
        public var inChannels: Int
        public var outChannels: Int
        public var kernelDepth: Int
        public var kernelHeight: Int
        public var outDepth: Int
        public var outHeight: Int
        public var outWidth: Int
        public var phaseDepths: Int
        public var phaseRows: Int
        public var phaseColumns: Int

        public init(inChannels: Int, outChannels: Int, kernelDepth: Int, kernelHeight: Int, outDepth: Int, outHeight: Int,
                    outWidth: Int, phaseDepths: Int, phaseRows: Int, phaseColumns: Int) {
            self.inChannels = inChannels; self.outChannels = outChannels
            self.kernelDepth = kernelDepth; self.kernelHeight = kernelHeight
            self.outDepth = outDepth; self.outHeight = outHeight; self.outWidth = outWidth
            self.phaseDepths = phaseDepths; self.phaseRows = phaseRows; self.phaseColumns = phaseColumns
        }

        /// The kernel's width: the only one this kernel computes.
        public static let kernelWidth = 7
        /// Output channels per register block (`outChannels` must be a multiple).
        public static let channelBlock = 4
        /// Output columns per register block.
        public static let columnBlock = 32
    }

    /// Computes `y` for output depths `depths` (every output channel, row and column of them).
    /// `weights: (M, C, kd, kh, 7)`, `bias: (M)` or nil, `y: (M, Do, Ho, Wo)`.
    @inline(never)
    public static func forward(phases: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               output y: UnsafeMutablePointer<Float>, geometry g: Geometry, depths: Range<Int>) {
        let taps = g.inChannels * g.kernelDepth * g.kernelHeight * Geometry.kernelWidth
        let rowStride = g.phaseColumns
        let depthStride = g.phaseRows * rowStride
        let channelStride = g.phaseDepths * depthStride
        let phaseStride = g.inChannels * channelStride
        let plane = g.outHeight * g.outWidth
        let channelPlane = g.outDepth * plane
        for od in depths {
            for o0 in Swift.stride(from: 0, to: g.outChannels, by: Geometry.channelBlock) {
                let w = weights + o0 * taps
                let b0: Float = bias?[o0] ?? 0, b1: Float = bias?[o0 + 1] ?? 0
                let b2: Float = bias?[o0 + 2] ?? 0, b3: Float = bias?[o0 + 3] ?? 0
                for oy in Swift.stride(from: 0, to: g.outHeight, by: 2) {
                    for ox in Swift.stride(from: 0, to: g.outWidth, by: Geometry.columnBlock) {
                        var block = Block(b0, b1, b2, b3)
                        var tap = 0
                        for c in 0..<g.inChannels {
                            for t in 0..<g.kernelDepth {
                                let depthBase = phases + c * channelStride + (od + t) * depthStride + ox
                                for ky in 0..<g.kernelHeight {
                                    let even = depthBase + (2 * oy + ky) * rowStride
                                    block.addRow(even: even, odd: even + phaseStride, rowStride: 2 * rowStride,
                                                 weights: w + tap, taps: taps)
                                    tap += Geometry.kernelWidth
                                }
                            }
                        }
                        block.store(to: y + o0 * channelPlane + od * plane + oy * g.outWidth + ox, channelPlane: channelPlane,
                                    rowStride: g.outWidth, rows: min(2, g.outHeight - oy), columns: min(Geometry.columnBlock, g.outWidth - ox))
                    }
                }
            }
        }
    }
}

/// 4 output channels × 2 output rows × 2 vectors of 16 columns.
private struct Block {
    var a000 = SIMD16<Float>(), a001 = SIMD16<Float>(), a010 = SIMD16<Float>(), a011 = SIMD16<Float>()
    var a100 = SIMD16<Float>(), a101 = SIMD16<Float>(), a110 = SIMD16<Float>(), a111 = SIMD16<Float>()
    var a200 = SIMD16<Float>(), a201 = SIMD16<Float>(), a210 = SIMD16<Float>(), a211 = SIMD16<Float>()
    var a300 = SIMD16<Float>(), a301 = SIMD16<Float>(), a310 = SIMD16<Float>(), a311 = SIMD16<Float>()

    @inline(__always)
    init(_ b0: Float, _ b1: Float, _ b2: Float, _ b3: Float) {
        a000 = SIMD16(repeating: b0); a001 = a000; a010 = a000; a011 = a000
        a100 = SIMD16(repeating: b1); a101 = a100; a110 = a100; a111 = a100
        a200 = SIMD16(repeating: b2); a201 = a200; a210 = a200; a211 = a200
        a300 = SIMD16(repeating: b3); a301 = a300; a310 = a300; a311 = a300
    }

    /// Adds one kernel row's 7 taps: `even`/`odd` point at the first output column's phase
    /// position in the first output row; the second output row is `rowStride` further.
    @inline(__always)
    mutating func addRow(even: UnsafePointer<Float>, odd: UnsafePointer<Float>, rowStride: Int,
                         weights w: UnsafePointer<Float>, taps: Int) {
        tap(even, rowStride, w, taps)            // kx = 0: even phase, j + 0
        tap(odd, rowStride, w + 1, taps)         // kx = 1: odd phase, j + 0
        tap(even + 1, rowStride, w + 2, taps)    // kx = 2
        tap(odd + 1, rowStride, w + 3, taps)     // kx = 3
        tap(even + 2, rowStride, w + 4, taps)    // kx = 4
        tap(odd + 2, rowStride, w + 5, taps)     // kx = 5
        tap(even + 3, rowStride, w + 6, taps)    // kx = 6
    }

    @inline(__always)
    mutating func tap(_ src: UnsafePointer<Float>, _ rowStride: Int, _ w: UnsafePointer<Float>, _ taps: Int) {
        let x00 = UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self)
        let x01 = UnsafeRawPointer(src + 16).loadUnaligned(as: SIMD16<Float>.self)
        let x10 = UnsafeRawPointer(src + rowStride).loadUnaligned(as: SIMD16<Float>.self)
        let x11 = UnsafeRawPointer(src + rowStride + 16).loadUnaligned(as: SIMD16<Float>.self)
        let w0 = SIMD16<Float>(repeating: w[0]), w1 = SIMD16<Float>(repeating: w[taps])
        let w2 = SIMD16<Float>(repeating: w[2 * taps]), w3 = SIMD16<Float>(repeating: w[3 * taps])
        a000 = a000.addingProduct(x00, w0); a001 = a001.addingProduct(x01, w0)
        a010 = a010.addingProduct(x10, w0); a011 = a011.addingProduct(x11, w0)
        a100 = a100.addingProduct(x00, w1); a101 = a101.addingProduct(x01, w1)
        a110 = a110.addingProduct(x10, w1); a111 = a111.addingProduct(x11, w1)
        a200 = a200.addingProduct(x00, w2); a201 = a201.addingProduct(x01, w2)
        a210 = a210.addingProduct(x10, w2); a211 = a211.addingProduct(x11, w2)
        a300 = a300.addingProduct(x00, w3); a301 = a301.addingProduct(x01, w3)
        a310 = a310.addingProduct(x10, w3); a311 = a311.addingProduct(x11, w3)
    }

    /// Writes the block's valid part: `rows` (1–2) output rows of `columns` (1–32) values for each
    /// of the 4 channels, `y` at channel 0, row 0, column 0.
    @inline(__always)
    func store(to y: UnsafeMutablePointer<Float>, channelPlane: Int, rowStride: Int, rows: Int, columns: Int) {
        let low = min(16, columns), high = columns - low
        let second = rows == 2
        Self.put(a000, y, low); Self.put(a001, y + 16, high)
        if second { Self.put(a010, y + rowStride, low); Self.put(a011, y + rowStride + 16, high) }
        let y1 = y + channelPlane
        Self.put(a100, y1, low); Self.put(a101, y1 + 16, high)
        if second { Self.put(a110, y1 + rowStride, low); Self.put(a111, y1 + rowStride + 16, high) }
        let y2 = y1 + channelPlane
        Self.put(a200, y2, low); Self.put(a201, y2 + 16, high)
        if second { Self.put(a210, y2 + rowStride, low); Self.put(a211, y2 + rowStride + 16, high) }
        let y3 = y2 + channelPlane
        Self.put(a300, y3, low); Self.put(a301, y3 + 16, high)
        if second { Self.put(a310, y3 + rowStride, low); Self.put(a311, y3 + rowStride + 16, high) }
    }

    /// Stores the first `count` (≤ 16) lanes of `v` at `dst`.
    @inline(__always)
    static func put(_ v: SIMD16<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 16 {
            UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
        } else {
            for i in 0..<max(0, count) { dst[i] = v[i] }
        }
    }
}
