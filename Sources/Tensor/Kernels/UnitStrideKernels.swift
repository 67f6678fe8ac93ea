import Foundation
import TensorWideKernels

/// Unit-stride convolutions over small planes — the compact preset's residual blocks, the audio
/// encoder's, the artifact branch's raw paths — computed directly in AVX-512 registers
/// (`TensorWideKernels.UnitStrideConvolution`) where the processor has them.
///
/// As columns and sgemm, a 3×3×3 convolution of 16–64 channels on a 12×12 or 6×6 plane copies
/// every input value 27 times into the column matrix and OpenBLAS packs it again, for products
/// too small to amortise either; the direct kernel reads the zero-padded input (one copy) with a
/// vector load per tap and keeps 8 channels × 32 positions in registers (Docs/tensor-engine.md,
/// *Small planes*). Used where at least 70 % of the vector lanes are real outputs (planes of 6×6
/// and wider, or 3×25 and longer), and only where Winograd's algorithm does not apply. The
/// backward pass is unchanged.
extension Kernels {
    /// The least share of the kernel's vector lanes that must be real outputs.
    static let unitStrideLaneShare = 0.7

    static func unitStrideApplies(_ g: ConvGeometry) -> Bool {
        guard Engine.usesWideKernels, g.stride == [1, 1, 1], !g.isPointwise,
              g.outChannels % UnitStrideConvolution.Geometry.channelBlock == 0 else { return false }
        let s = unitStrideGeometry(g)
        return Double(s.outHeight * s.outWidth) >= unitStrideLaneShare * Double(s.vectors * UnitStrideConvolution.Geometry.vectorWidth)
    }

    /// The wide kernel's sizes for a unit-stride `g`.
    static func unitStrideGeometry(_ g: ConvGeometry) -> UnitStrideConvolution.Geometry {
        let (kd, kh, kw) = (g.kernel[0], g.kernel[1], g.kernel[2])
        let (Do, Ho, Wo) = (g.output[0], g.output[1], g.output[2])
        let paddedWidth = g.input[2] + 2 * g.padding[2]
        let paddedHeight = g.input[1] + 2 * g.padding[1]
        let width = UnitStrideConvolution.Geometry.vectorWidth
        let vectors = (Ho * paddedWidth + width - 1) / width
        let planeStride = max(paddedHeight * paddedWidth, vectors * width + (kh - 1) * paddedWidth + kw - 1)
        return UnitStrideConvolution.Geometry(
            inChannels: g.inChannels, outChannels: g.outChannels, kernelDepth: kd, kernelHeight: kh, kernelWidth: kw,
            outDepth: Do, outHeight: Ho, outWidth: Wo, paddedDepths: g.input[0] + 2 * g.padding[0],
            paddedWidth: paddedWidth, planeStride: planeStride, vectors: vectors)
    }

    /// `y: (B, M, Do, Ho, Wo)` from `x: (B, C, D, H, W)`, `w: (M, C, kd, kh, kw)`, `bias: (M)?`
    /// (``unitStrideApplies(_:)`` must hold). The weights are packed once; each batch element is
    /// padded once and its (output depth, 8-channel block) pairs are shared out over the threads.
    static func unitStrideForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                  _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        let s = unitStrideGeometry(g)
        let blockWidth = UnitStrideConvolution.Geometry.channelBlock
        let blocks = g.outChannels / blockWidth, taps = s.taps
        withScratch(g.outChannels * taps) { packed in
            // packed[block, tap, j] = w[8·block + j, tap]
            for block in 0..<blocks {
                for j in 0..<blockWidth {
                    let source = w + (block * blockWidth + j) * taps, destination = packed + block * taps * blockWidth + j
                    for tap in 0..<taps { destination[tap * blockWidth] = source[tap] }
                }
            }
            withScratch(g.inChannels * s.paddedDepths * s.planeStride) { padded in
                for b in 0..<batch {
                    fillPaddedPlanes(x + b * g.inChannels * g.inputVolume, padded, g, s)
                    let yb = y + b * g.outChannels * g.outputVolume
                    parallelFor(s.outDepth * blocks, grain: 1) { items in
                        withScratch(s.stageCount) { stage in
                            for item in items {
                                UnitStrideConvolution.forward(padded: padded, packedWeights: packed, bias: bias, output: yb,
                                                              stage: stage, geometry: s, depth: item / blocks, block: item % blocks)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `padded[c, dp, r · paddedWidth + col] = x[c, dp − pd, r − ph, col − pw]`, zero outside `x`
    /// and in each plane's slack.
    static func fillPaddedPlanes(_ x: UnsafePointer<Float>, _ padded: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                                 _ s: UnitStrideConvolution.Geometry) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let planes = g.inChannels * s.paddedDepths
        parallelFor(planes, grain: max(1, elementwiseGrain / max(1, s.planeStride))) { range in
            for index in range {
                let c = index / s.paddedDepths, d = index % s.paddedDepths - pd
                let plane = padded + index * s.planeStride
                plane.update(repeating: 0, count: s.planeStride)
                guard d >= 0, d < D else { continue }
                let source = x + (c * D + d) * H * W
                for iy in 0..<H {
                    (plane + (iy + ph) * s.paddedWidth + pw).update(from: source + iy * W, count: W)
                }
            }
        }
    }
}
