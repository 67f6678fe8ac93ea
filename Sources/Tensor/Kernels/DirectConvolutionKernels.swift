import Foundation
import TensorWideKernels

/// Convolutions over small planes at stride 1 or 2 — the compact preset's residual blocks, the
/// audio encoder's, the artifact branch's high-frequency path — computed directly in AVX-512
/// registers (`TensorWideKernels.DirectConvolution`) where the processor has them.
///
/// As columns and sgemm, a 3×3×3 convolution of 8–64 channels on a 12×12 or 24×24 plane copies
/// every input value up to 27 times into the column matrix and OpenBLAS packs it again, for
/// products too small to amortise either; the direct kernel reads the zero-padded input — split
/// into its even and odd rows and columns where the stride is 2 — with one vector load per tap and
/// keeps 8 channels × 32 positions in registers, taking the taps of many input channels in
/// chunks (``directTapChunk(_:)``; Docs/tensor-engine.md, *Small planes*, *Taps in chunks*). Used where
/// at least 70 % of the vector lanes are real outputs, at most ``directMaxTaps`` taps per output,
/// and only where Winograd's algorithm does not apply. The backward pass is unchanged.
extension Kernels {
    /// Whether this processor and kernel run AVX-512 code: the flags the wide module is compiled
    /// for (`-target-cpu skylake-avx512`) must all be in `/proc/cpuinfo` (Linux lists them only when
    /// the kernel saves the 512-bit registers).
    static let wideKernelsSupported: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains)
    }()

    /// The least share of the kernel's vector lanes that must be real outputs.
    static let directLaneShare = 0.7
    /// The most taps per output channel (`C·kd·kh·kw`), set by measurement: the compact preset's
    /// 32-channel 3×3×3 blocks (864 taps) ran 1.5× faster directly, while the seed preset's
    /// 128–256-channel audio and temporal convolutions (1 152–2 304 taps) and `visual.layer2.conv1`
    /// (1 728) were as fast or faster as columns and sgemm — before the taps went in chunks and
    /// again after (a 4 096-tap limit was slower on all but one of them; Docs/tensor-engine.md,
    /// *Small planes*, *Tried in the seventeenth session*).
    static let directMaxTaps = 1024

    /// The most input planes (one per input channel, depth tap and stride phase) whose taps are
    /// summed over a whole output plane before the next ones (`DirectConvolution.Geometry.tapChunk`).
    /// One vector pair reads about three rows of three cache lines from each, so 48 planes keep
    /// its lines (about 27 KiB) in the 32 KiB level-1 cache until the next vector pair reuses two
    /// thirds of them. Measured with the binaries alternated: the seed preset's high-frequency
    /// block (32 channels × 3 depth taps × 4 phases = 384 planes) ran 1.3–1.9× faster in chunks
    /// of 4 channels; both stems and the compact blocks of up to 16 channels (≤ 48 planes) gained
    /// nothing from chunks of about 128 taps, so they stay whole.
    static let directChunkPlanes = 48

    /// The taps of one chunk for `g`: as many whole input channels as ``directChunkPlanes``
    /// allows, at least one; all taps where they fit.
    static func directTapChunk(_ g: ConvGeometry) -> Int {
        let planesPerChannel = g.kernel[0] * g.stride[1] * g.stride[2]
        return min(g.rows, max(1, directChunkPlanes / planesPerChannel) * g.kernelVolume)
    }

    /// The fewest outputs per plane at stride 2: at 6 × 6 (the compact preset's 16 → 32 block) the
    /// kernel re-reads four phase planes per input channel for only three vectors of positions and
    /// ran 1.5× slower than columns and sgemm; from 10 × 25 up it was as fast or faster.
    static let directStridedMinimumOutputs = 64

    /// How a convolution's input is laid out for the direct kernel: per input channel, one plane
    /// per stride phase `(row mod sh, column mod sw)` and padded depth, each `planeRows ×
    /// planeColumns` (the padded input's rows and columns of that phase) at `planeStride` floats.
    struct DirectLayout {
        var rowPhases: Int
        var columnPhases: Int
        var paddedDepths: Int
        var planeRows: Int
        var planeColumns: Int
        var planeStride: Int
        var kernel: DirectConvolution.Geometry

        /// Floats of the laid-out input of one batch element.
        func inputCount(inChannels: Int) -> Int { inChannels * rowPhases * columnPhases * paddedDepths * planeStride }
    }

    /// Whether the direct kernel takes `g`. Never a 1×1×1 kernel: with or without stride it is one
    /// matrix product, and at stride 2 the layout would copy all four phase planes to read one
    /// (the seed preset's `visual.layer2.shortcut`, 64 → 128 at stride 2 on 16 × 16, took
    /// 4.8–6.8 ms directly against 1.6–2.4 ms as one strided copy and sgemm, one thread, alternated).
    static func directApplies(_ g: ConvGeometry) -> Bool {
        guard Engine.usesWideKernels, g.stride[0] == 1, (1...2).contains(g.stride[1]), (1...2).contains(g.stride[2]),
              g.kernelVolume > 1, g.rows <= directMaxTaps,
              g.outChannels % DirectConvolution.Geometry.channelBlock == 0 else { return false }
        let k = directLayout(g).kernel
        if g.stride != [1, 1, 1] && k.outHeight * k.outWidth < directStridedMinimumOutputs { return false }
        return Double(k.outHeight * k.outWidth) >= directLaneShare * Double(k.vectors * DirectConvolution.Geometry.vectorWidth)
    }

    static func directLayout(_ g: ConvGeometry) -> DirectLayout {
        let (sh, sw) = (g.stride[1], g.stride[2])
        let (kh, kw) = (g.kernel[1], g.kernel[2])
        let rows = (g.input[1] + 2 * g.padding[1] + sh - 1) / sh
        let columns = (g.input[2] + 2 * g.padding[2] + sw - 1) / sw
        let reach = (kh - 1) / sh * columns + (kw - 1) / sw  // the farthest tap within a plane
        var kernel = DirectConvolution.Geometry(outChannels: g.outChannels, outDepth: g.output[0], outHeight: g.output[1],
                                                outWidth: g.output[2], rowStride: columns, depthStride: 0, taps: g.rows)
        let planeStride = max(rows * columns, kernel.vectors * DirectConvolution.Geometry.vectorWidth + reach)
        kernel.depthStride = planeStride
        kernel.tapChunk = directTapChunk(g)
        return DirectLayout(rowPhases: sh, columnPhases: sw, paddedDepths: g.input[0] + 2 * g.padding[0],
                            planeRows: rows, planeColumns: columns, planeStride: planeStride, kernel: kernel)
    }

    /// Each tap's offset from an output's position in the laid-out input, in the weights' order
    /// `(c, t, ky, kx)`.
    static func directOffsets(_ g: ConvGeometry, _ l: DirectLayout) -> [Int] {
        let (sh, sw) = (l.rowPhases, l.columnPhases)
        var offsets: [Int] = []
        offsets.reserveCapacity(g.rows)
        for c in 0..<g.inChannels {
            for t in 0..<g.kernel[0] {
                for ky in 0..<g.kernel[1] {
                    for kx in 0..<g.kernel[2] {
                        let plane = ((c * sh + ky % sh) * sw + kx % sw) * l.paddedDepths + t
                        offsets.append(plane * l.planeStride + ky / sh * l.planeColumns + kx / sw)
                    }
                }
            }
        }
        return offsets
    }

    /// `y: (B, M, Do, Ho, Wo)` from `x: (B, C, D, H, W)`, `w: (M, C, kd, kh, kw)`, `bias: (M)?`
    /// (``directApplies(_:)`` must hold). The weights are packed once; each batch element is laid
    /// out once and its (output depth, 8-channel block) pairs are shared out over the threads.
    static func directForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                              _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        let l = directLayout(g), k = l.kernel
        let blockWidth = DirectConvolution.Geometry.channelBlock
        let blocks = g.outChannels / blockWidth, taps = k.taps
        let offsets = directOffsets(g, l)
        withScratch(g.outChannels * taps) { packed in
            // packed[block, tap, j] = w[8·block + j, tap]
            for block in 0..<blocks {
                for j in 0..<blockWidth {
                    let source = w + (block * blockWidth + j) * taps, destination = packed + block * taps * blockWidth + j
                    for tap in 0..<taps { destination[tap * blockWidth] = source[tap] }
                }
            }
            withScratch(l.inputCount(inChannels: g.inChannels)) { input in
                offsets.withUnsafeBufferPointer { offsets in
                    for b in 0..<batch {
                        fillDirectInput(x + b * g.inChannels * g.inputVolume, input, g, l)
                        let yb = y + b * g.outChannels * g.outputVolume
                        parallelFor(k.outDepth * blocks, grain: 1) { items in
                            withScratch(k.stageCount) { stage in
                                for item in items {
                                    DirectConvolution.forward(input: input, offsets: offsets.baseAddress!, packedWeights: packed,
                                                              bias: bias, output: yb, stage: stage, geometry: k,
                                                              depth: item / blocks, block: item % blocks)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Lays out one batch element `x: (C, D, H, W)` as ``DirectLayout`` says:
    /// `input[((c·sh + pr)·sw + pc)·Dp + dp, r·planeColumns + j] = x[c, dp − pd, r·sh + pr − ph, j·sw + pc − pw]`,
    /// zero outside `x` and in each plane's slack.
    static func fillDirectInput(_ x: UnsafePointer<Float>, _ input: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                                _ l: DirectLayout) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let (sh, sw) = (l.rowPhases, l.columnPhases)
        let planesPerItem = sh * sw
        parallelFor(g.inChannels * l.paddedDepths, grain: max(1, elementwiseGrain / max(1, planesPerItem * l.planeStride))) { range in
            for item in range {
                let c = item / l.paddedDepths, dp = item % l.paddedDepths, d = dp - pd
                for pr in 0..<sh {
                    for pc in 0..<sw {
                        let plane = input + (((c * sh + pr) * sw + pc) * l.paddedDepths + dp) * l.planeStride
                        plane.update(repeating: 0, count: l.planeStride)
                        guard d >= 0, d < D else { continue }
                        // Plane columns j whose input column j·sw + pc − pw lies in 0..<W.
                        let first = max(0, (pw - pc + sw - 1) / sw)
                        let last = W - 1 + pw - pc
                        let end = last < 0 ? 0 : min(l.planeColumns, last / sw + 1)
                        guard first < end else { continue }
                        for r in 0..<l.planeRows {
                            let iy = r * sh + pr - ph
                            guard iy >= 0, iy < H else { continue }
                            let source = x + ((c * D + d) * H + iy) * W, row = plane + r * l.planeColumns
                            if sw == 1 {
                                (row + first).update(from: source + first - pw, count: end - first)
                            } else {
                                for j in first..<end { row[j] = source[j * sw + pc - pw] }
                            }
                        }
                    }
                }
            }
        }
    }
}
