import Foundation
import TensorWideKernels

/// Stride-(1, 2, 2) convolutions with 7-wide kernels and few input channels — the visual stem
/// `3→C k(3,7,7)` and the audio stem `1→C k7×7` — computed directly in AVX-512 registers
/// (`TensorWideKernels.StrideTwoConvolution`) where the processor has them.
///
/// As columns and sgemm, such a convolution multiplies a thin `(M, C·kd·49)` weight matrix into a
/// column matrix that copies every input value about `kd·49/4` times with stride-2 gathers, and
/// OpenBLAS packs both again; the direct kernel reads each input row once per tap from the two
/// column phases and keeps 16 vectors of outputs in registers (Docs/tensor-engine.md, *The
/// stems*). The backward pass is unchanged (columns and sgemm).
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

    static func strideTwoApplies(_ g: ConvGeometry) -> Bool {
        Engine.usesWideKernels && g.stride == [1, 2, 2] && g.kernel[2] == StrideTwoConvolution.Geometry.kernelWidth
            && g.inChannels <= 4 && g.outChannels % StrideTwoConvolution.Geometry.channelBlock == 0
    }

    /// The wide kernel's sizes for `g`: phases padded so that every register block's loads stay inside.
    static func strideTwoGeometry(_ g: ConvGeometry) -> StrideTwoConvolution.Geometry {
        let (Do, Ho, Wo) = (g.output[0], g.output[1], g.output[2])
        let evenRows = Ho + Ho % 2
        let blockColumns = (Wo + 31) / 32 * 32
        return StrideTwoConvolution.Geometry(
            inChannels: g.inChannels, outChannels: g.outChannels, kernelDepth: g.kernel[0], kernelHeight: g.kernel[1],
            outDepth: Do, outHeight: Ho, outWidth: Wo,
            phaseDepths: Do + g.kernel[0] - 1, phaseRows: 2 * evenRows + g.kernel[1] - 2, phaseColumns: blockColumns + 3)
    }

    /// `y: (B, M, Do, Ho, Wo)` from `x: (B, C, D, H, W)`, `w: (M, C, kd, kh, 7)`, `bias: (M)?`
    /// (``strideTwoApplies(_:)`` must hold). Each batch element's column phases are built once;
    /// its output depths are shared out over the threads.
    static func strideTwoForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                 _ y: UnsafeMutablePointer<Float>, batch: Int, _ g: ConvGeometry) {
        let s = strideTwoGeometry(g)
        let phaseCount = 2 * s.inChannels * s.phaseDepths * s.phaseRows * s.phaseColumns
        withScratch(phaseCount) { phases in
            for b in 0..<batch {
                fillColumnPhases(x + b * g.inChannels * g.inputVolume, phases, g, s)
                parallelFor(s.outDepth, grain: 1) { depths in
                    StrideTwoConvolution.forward(phases: phases, weights: w, bias: bias,
                                                 output: y + b * g.outChannels * g.outputVolume, geometry: s, depths: depths)
                }
            }
        }
    }

    /// `phases[p, c, dp, r, j] = x[c, dp − pd, r − ph, 2j + p − pw]`, zero outside `x`: the padded
    /// input's even (`p = 0`) and odd columns, each contiguous.
    static func fillColumnPhases(_ x: UnsafePointer<Float>, _ phases: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                                 _ s: StrideTwoConvolution.Geometry) {
        let (D, H, W) = (g.input[0], g.input[1], g.input[2])
        let (pd, ph, pw) = (g.padding[0], g.padding[1], g.padding[2])
        let rowsPerChannel = s.phaseDepths * s.phaseRows
        let phaseStride = s.inChannels * rowsPerChannel * s.phaseColumns
        parallelFor(s.inChannels * rowsPerChannel, grain: max(1, elementwiseGrain / max(1, 2 * s.phaseColumns))) { rows in
            for row in rows {
                let c = row / rowsPerChannel, dp = (row / s.phaseRows) % s.phaseDepths, r = row % s.phaseRows
                let even = phases + row * s.phaseColumns, odd = even + phaseStride
                even.update(repeating: 0, count: s.phaseColumns)
                odd.update(repeating: 0, count: s.phaseColumns)
                let d = dp - pd, iy = r - ph
                guard d >= 0, d < D, iy >= 0, iy < H else { continue }
                let src = x + ((c * D + d) * H + iy) * W
                for ix in 0..<W {
                    let pc = ix + pw, j = pc >> 1
                    guard j < s.phaseColumns else { break }
                    if pc & 1 == 0 { even[j] = src[ix] } else { odd[j] = src[ix] }
                }
            }
        }
    }
}
