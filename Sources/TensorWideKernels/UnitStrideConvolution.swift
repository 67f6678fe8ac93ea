/// A direct convolution at stride 1 over small planes — the residual blocks of the compact preset
/// and the audio encoder — held in 512-bit registers.
///
/// This module is compiled for AVX-512 (`-target-cpu skylake-avx512`, Package.swift); the Tensor
/// module calls it only after checking that the processor supports AVX-512
/// (`Kernels.wideKernelsSupported`). Nothing here may be inlined into other modules.
///
/// The input arrives zero-padded, each `(channel, depth)` plane `paddedHeight × paddedWidth`
/// values stored row after row at `planeStride` floats apart. Output position `(oy, ox)` of a
/// plane is numbered `q = oy · paddedWidth + ox`, so tap `(ky, kx)` of every position is the
/// padded plane read at `q + ky · paddedWidth + kx`: one unaligned vector load covers 16
/// consecutive positions, rows included. The positions with `ox ≥ outWidth` (the last
/// `kernelWidth − 1` of each row) are computed and dropped.
///
/// `padded: (C, paddedDepths, planeStride)`, `packedWeights: (M/8, C·kd·kh·kw, 8)` — the weights
/// `w: (M, C, kd, kh, kw)` of 8 output channels side by side per tap — and
/// `y: (M, Do, Ho, Wo)` for one batch element:
/// `y[m, od, oy, ox] = bias[m] + Σ_{c, t, ky, kx} w[m, c, t, ky, kx] · padded[c, od + t, (oy + ky)·paddedWidth + ox + kx]`.
/// Blocks of 8 output channels × 2 vectors of 16 positions (16 accumulators) are summed tap by tap
/// in registers and stored once.
public enum UnitStrideConvolution {
    /// The sizes of one call. `vectors = ⌈outHeight · paddedWidth / 16⌉` and
    /// `planeStride ≥ 16 · vectors + (kernelHeight − 1) · paddedWidth + kernelWidth − 1` so that
    /// every vector load stays inside the padded input.
    public struct Geometry: Sendable {
        public var inChannels: Int
        public var outChannels: Int
        public var kernelDepth: Int
        public var kernelHeight: Int
        public var kernelWidth: Int
        public var outDepth: Int
        public var outHeight: Int
        public var outWidth: Int
        public var paddedDepths: Int
        public var paddedWidth: Int
        public var planeStride: Int
        public var vectors: Int

        public init(inChannels: Int, outChannels: Int, kernelDepth: Int, kernelHeight: Int, kernelWidth: Int,
                    outDepth: Int, outHeight: Int, outWidth: Int, paddedDepths: Int, paddedWidth: Int,
                    planeStride: Int, vectors: Int) {
            self.inChannels = inChannels; self.outChannels = outChannels
            self.kernelDepth = kernelDepth; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
            self.outDepth = outDepth; self.outHeight = outHeight; self.outWidth = outWidth
            self.paddedDepths = paddedDepths; self.paddedWidth = paddedWidth
            self.planeStride = planeStride; self.vectors = vectors
        }

        /// Output channels per register block (`outChannels` must be a multiple).
        public static let channelBlock = 8
        /// Output positions per vector.
        public static let vectorWidth = 16
        /// The floats of the staging buffer ``UnitStrideConvolution/forward(padded:packedWeights:bias:output:stage:geometry:depth:block:)`` needs.
        public var stageCount: Int { Self.channelBlock * vectors * Self.vectorWidth }
        /// Taps per output channel: `C · kd · kh · kw`.
        public var taps: Int { inChannels * kernelDepth * kernelHeight * kernelWidth }
    }

    /// Computes output depth `depth` of output channels `8·block ..< 8·block + 8` into `y`,
    /// using `stage` (``Geometry/stageCount`` floats) for the positions before the dropped columns
    /// are removed. `bias: (M)` or nil.
    @inline(never)
    public static func forward(padded: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               output y: UnsafeMutablePointer<Float>, stage: UnsafeMutablePointer<Float>,
                               geometry g: Geometry, depth od: Int, block: Int) {
        let m0 = block * Geometry.channelBlock
        let taps = g.taps
        let weights = packedWeights + block * taps * Geometry.channelBlock
        let stagePlane = g.vectors * Geometry.vectorWidth
        var v = 0
        while v < g.vectors {
            let q0 = v * Geometry.vectorWidth
            var acc = Accumulators(bias.map { $0 + m0 })
            if v + 1 < g.vectors {
                accumulate(&acc, pair: true, padded: padded + q0, weights: weights, geometry: g, depth: od)
                acc.store(stage + q0, plane: stagePlane, pair: true)
                v += 2
            } else {
                accumulate(&acc, pair: false, padded: padded + q0, weights: weights, geometry: g, depth: od)
                acc.store(stage + q0, plane: stagePlane, pair: false)
                v += 1
            }
        }
        // Drop the last kernelWidth − 1 positions of every row.
        let plane = g.outHeight * g.outWidth
        for j in 0..<Geometry.channelBlock {
            let source = stage + j * stagePlane
            let destination = y + ((m0 + j) * g.outDepth + od) * plane
            for oy in 0..<g.outHeight {
                (destination + oy * g.outWidth).update(from: source + oy * g.paddedWidth, count: g.outWidth)
            }
        }
    }

    /// Adds every tap into `acc`: both vectors when `pair`, else the first. `padded` points at
    /// the first position of the vectors in channel 0, depth 0.
    @inline(__always)
    private static func accumulate(_ acc: inout Accumulators, pair: Bool, padded: UnsafePointer<Float>,
                                   weights: UnsafePointer<Float>, geometry g: Geometry, depth od: Int) {
        var w = weights
        for c in 0..<g.inChannels {
            for t in 0..<g.kernelDepth {
                let plane = padded + (c * g.paddedDepths + od + t) * g.planeStride
                for ky in 0..<g.kernelHeight {
                    let row = plane + ky * g.paddedWidth
                    for kx in 0..<g.kernelWidth {
                        if pair { acc.addPair(row + kx, w) } else { acc.addSingle(row + kx, w) }
                        w += Geometry.channelBlock
                    }
                }
            }
        }
    }
}

/// 8 output channels × 2 vectors of 16 positions.
private struct Accumulators {
    var a0 = SIMD16<Float>(), b0 = SIMD16<Float>(), a1 = SIMD16<Float>(), b1 = SIMD16<Float>()
    var a2 = SIMD16<Float>(), b2 = SIMD16<Float>(), a3 = SIMD16<Float>(), b3 = SIMD16<Float>()
    var a4 = SIMD16<Float>(), b4 = SIMD16<Float>(), a5 = SIMD16<Float>(), b5 = SIMD16<Float>()
    var a6 = SIMD16<Float>(), b6 = SIMD16<Float>(), a7 = SIMD16<Float>(), b7 = SIMD16<Float>()

    /// Every accumulator of channel `j` starts at `bias[j]` (zero without a bias).
    @inline(__always)
    init(_ bias: UnsafePointer<Float>?) {
        guard let bias else { return }
        a0 = SIMD16(repeating: bias[0]); b0 = a0
        a1 = SIMD16(repeating: bias[1]); b1 = a1
        a2 = SIMD16(repeating: bias[2]); b2 = a2
        a3 = SIMD16(repeating: bias[3]); b3 = a3
        a4 = SIMD16(repeating: bias[4]); b4 = a4
        a5 = SIMD16(repeating: bias[5]); b5 = a5
        a6 = SIMD16(repeating: bias[6]); b6 = a6
        a7 = SIMD16(repeating: bias[7]); b7 = a7
    }

    /// One tap for both vectors: `src` at the first position, `w` the 8 channels' weights.
    @inline(__always)
    mutating func addPair(_ src: UnsafePointer<Float>, _ w: UnsafePointer<Float>) {
        let x = UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self)
        let z = UnsafeRawPointer(src + 16).loadUnaligned(as: SIMD16<Float>.self)
        let w0 = SIMD16<Float>(repeating: w[0]), w1 = SIMD16<Float>(repeating: w[1])
        let w2 = SIMD16<Float>(repeating: w[2]), w3 = SIMD16<Float>(repeating: w[3])
        let w4 = SIMD16<Float>(repeating: w[4]), w5 = SIMD16<Float>(repeating: w[5])
        let w6 = SIMD16<Float>(repeating: w[6]), w7 = SIMD16<Float>(repeating: w[7])
        a0 = a0.addingProduct(x, w0); b0 = b0.addingProduct(z, w0)
        a1 = a1.addingProduct(x, w1); b1 = b1.addingProduct(z, w1)
        a2 = a2.addingProduct(x, w2); b2 = b2.addingProduct(z, w2)
        a3 = a3.addingProduct(x, w3); b3 = b3.addingProduct(z, w3)
        a4 = a4.addingProduct(x, w4); b4 = b4.addingProduct(z, w4)
        a5 = a5.addingProduct(x, w5); b5 = b5.addingProduct(z, w5)
        a6 = a6.addingProduct(x, w6); b6 = b6.addingProduct(z, w6)
        a7 = a7.addingProduct(x, w7); b7 = b7.addingProduct(z, w7)
    }

    /// One tap for the first vector only (a plane's odd last vector).
    @inline(__always)
    mutating func addSingle(_ src: UnsafePointer<Float>, _ w: UnsafePointer<Float>) {
        let x = UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self)
        a0 = a0.addingProduct(x, SIMD16(repeating: w[0])); a1 = a1.addingProduct(x, SIMD16(repeating: w[1]))
        a2 = a2.addingProduct(x, SIMD16(repeating: w[2])); a3 = a3.addingProduct(x, SIMD16(repeating: w[3]))
        a4 = a4.addingProduct(x, SIMD16(repeating: w[4])); a5 = a5.addingProduct(x, SIMD16(repeating: w[5]))
        a6 = a6.addingProduct(x, SIMD16(repeating: w[6])); a7 = a7.addingProduct(x, SIMD16(repeating: w[7]))
    }

    /// Stores channel `j`'s vectors at `stage + j · plane` (the second vector 16 further when `pair`).
    @inline(__always)
    func store(_ stage: UnsafeMutablePointer<Float>, plane: Int, pair: Bool) {
        Self.put(a0, stage); Self.put(a1, stage + plane); Self.put(a2, stage + 2 * plane); Self.put(a3, stage + 3 * plane)
        Self.put(a4, stage + 4 * plane); Self.put(a5, stage + 5 * plane); Self.put(a6, stage + 6 * plane); Self.put(a7, stage + 7 * plane)
        guard pair else { return }
        let second = stage + 16
        Self.put(b0, second); Self.put(b1, second + plane); Self.put(b2, second + 2 * plane); Self.put(b3, second + 3 * plane)
        Self.put(b4, second + 4 * plane); Self.put(b5, second + 5 * plane); Self.put(b6, second + 6 * plane)
        Self.put(b7, second + 7 * plane)
    }

    @inline(__always)
    static func put(_ v: SIMD16<Float>, _ destination: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(destination).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}
