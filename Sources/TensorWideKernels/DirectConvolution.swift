/// A direct convolution over small planes held in 512-bit registers: the stems, the compact
/// preset's residual blocks, the audio encoder's, the artifact branch's high-frequency path.
///
/// This module is compiled for AVX-512 (`-target-cpu skylake-avx512`, Package.swift); the Tensor
/// module calls it only after checking that the processor supports AVX-512
/// (`Kernels.wideKernelsSupported`). Nothing here may be inlined into other modules.
///
/// The caller lays the input out as planes in which **every tap of every output is a fixed offset
/// from the output's position**: output `(oy, ox)` of a plane is numbered `q = oy · rowStride + ox`,
/// and tap `t` reads `input[od · depthStride + q + offsets[t]]`. For a unit stride the planes are
/// the zero-padded input (`rowStride` its padded width); for stride 2 along rows or columns they are
/// its phases (the even and odd rows and columns, each contiguous), so that a strided tap is still a
/// plain offset (`Kernels.directGeometry`). One unaligned vector load then covers 16 consecutive
/// positions, rows included; the positions with `ox ≥ outWidth` at the end of each row are
/// computed and dropped.
///
/// `packedWeights: (M/8, taps, 8)` — 8 output channels side by side per tap — and
/// `y: (M, Do, Ho, Wo)` for one batch element:
/// `y[m, od, oy, ox] = bias[m] + Σ_t w[m, t] · input[od · depthStride + oy · rowStride + ox + offsets[t]]`.
/// Blocks of 8 output channels × 2 vectors of 16 positions (16 accumulators) are summed tap by tap
/// in registers. The taps go in chunks (``Geometry/tapChunk``): each chunk sweeps the whole plane,
/// its partial sums parked in the staging buffer, so that the input lines and weights one chunk
/// reads stay in the level-1 cache from one vector pair to the next instead of every vector pair
/// walking all taps of all input channels.
public enum DirectConvolution {
    /// The sizes of one call. `vectors = ⌈outHeight · rowStride / 16⌉`; the input must extend
    /// `16 · vectors + max(offsets)` floats past `(outDepth − 1) · depthStride` so that every
    /// vector load stays inside it.
    public struct Geometry: Sendable {
        public var outChannels: Int
        public var outDepth: Int
        public var outHeight: Int
        public var outWidth: Int
        /// Positions per output row in the input planes (≥ `outWidth`).
        public var rowStride: Int
        /// Floats from one output depth's planes to the next.
        public var depthStride: Int
        /// Taps per output channel (the length of `offsets`).
        public var taps: Int
        /// Taps summed over every position of the plane before the next ones are read; the sums
        /// wait in the staging buffer in between (0: all taps at once).
        public var tapChunk: Int = 0

        public init(outChannels: Int, outDepth: Int, outHeight: Int, outWidth: Int, rowStride: Int, depthStride: Int, taps: Int) {
            self.outChannels = outChannels; self.outDepth = outDepth; self.outHeight = outHeight; self.outWidth = outWidth
            self.rowStride = rowStride; self.depthStride = depthStride; self.taps = taps
        }

        /// Output channels per register block (`outChannels` must be a multiple).
        public static let channelBlock = 8
        /// Output positions per vector.
        public static let vectorWidth = 16
        /// Position vectors per output plane.
        public var vectors: Int { (outHeight * rowStride + Self.vectorWidth - 1) / Self.vectorWidth }
        /// The floats of the staging buffer ``DirectConvolution/forward(input:offsets:packedWeights:bias:output:stage:geometry:depth:block:)`` needs.
        public var stageCount: Int { Self.channelBlock * vectors * Self.vectorWidth }
    }

    /// Computes output depth `depth` of output channels `8·block ..< 8·block + 8` into `y`,
    /// using `stage` (``Geometry/stageCount`` floats) for the positions before the dropped columns
    /// are removed. `offsets: (taps)`, `bias: (M)` or nil.
    @inline(never)
    public static func forward(input: UnsafePointer<Float>, offsets: UnsafePointer<Int>, packedWeights: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                               stage: UnsafeMutablePointer<Float>, geometry g: Geometry, depth od: Int, block: Int) {
        let m0 = block * Geometry.channelBlock
        let weights = packedWeights + block * g.taps * Geometry.channelBlock
        let base = input + od * g.depthStride
        let vectors = g.vectors
        let stagePlane = vectors * Geometry.vectorWidth
        let chunk = g.tapChunk > 0 ? g.tapChunk : g.taps
        var t0 = 0
        while t0 < g.taps {
            let t1 = min(t0 + chunk, g.taps)
            var v = 0
            while v < vectors {
                let q0 = v * Geometry.vectorWidth
                let pair = v + 1 < vectors
                var acc = t0 == 0 ? Accumulators(bias.map { $0 + m0 })
                                  : Accumulators(loading: stage + q0, plane: stagePlane, pair: pair)
                if pair {
                    for t in t0..<t1 { acc.addPair(base + q0 + offsets[t], weights + t * Geometry.channelBlock) }
                    v += 2
                } else {
                    for t in t0..<t1 { acc.addSingle(base + q0 + offsets[t], weights + t * Geometry.channelBlock) }
                    v += 1
                }
                acc.store(stage + q0, plane: stagePlane, pair: pair)
            }
            t0 = t1
        }
        // Drop the positions past outWidth at the end of every row.
        let plane = g.outHeight * g.outWidth
        for j in 0..<Geometry.channelBlock {
            let source = stage + j * stagePlane
            let destination = y + ((m0 + j) * g.outDepth + od) * plane
            for oy in 0..<g.outHeight {
                (destination + oy * g.outWidth).update(from: source + oy * g.rowStride, count: g.outWidth)
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

    /// Continues the sums stored by ``store(_:plane:pair:)``.
    @inline(__always)
    init(loading stage: UnsafeMutablePointer<Float>, plane: Int, pair: Bool) {
        a0 = Self.get(stage); a1 = Self.get(stage + plane); a2 = Self.get(stage + 2 * plane); a3 = Self.get(stage + 3 * plane)
        a4 = Self.get(stage + 4 * plane); a5 = Self.get(stage + 5 * plane); a6 = Self.get(stage + 6 * plane); a7 = Self.get(stage + 7 * plane)
        guard pair else { return }
        let second = stage + 16
        b0 = Self.get(second); b1 = Self.get(second + plane); b2 = Self.get(second + 2 * plane); b3 = Self.get(second + 3 * plane)
        b4 = Self.get(second + 4 * plane); b5 = Self.get(second + 5 * plane); b6 = Self.get(second + 6 * plane)
        b7 = Self.get(second + 7 * plane)
    }

    @inline(__always)
    static func get(_ source: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
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
