import Testing
@testable import Tensor
import TensorWideKernels

/// The stems' direct AVX-512 convolution (`Kernels.strideTwoForward`) against the definitional
/// loop, over the register block's edges: fewer than 16, between 16 and 32 and more than 32
/// output columns, odd output heights, kernel heights other than 7, one to four input channels,
/// several batch elements and asymmetric padding. Needs a processor with AVX-512 (and the setting
/// on); elsewhere the kernel is never called and these tests are skipped.
@Suite(.enabled(if: Engine.usesWideKernels, "the processor lacks AVX-512 or SYNCDEFENSE_WIDE_KERNELS=0: the direct stem kernel is not used here"))
struct StrideTwoConvolutionTests {
    @Test(arguments: [
        // (input (B, C, D, H, W), kernel (M, C, kd, kh, 7), padding)
        ([2, 3, 5, 12, 12], [4, 3, 3, 7, 7], [1, 3, 3]),   // 6 × 6 outputs, two batch elements
        ([1, 1, 1, 30, 70], [8, 1, 1, 7, 7], [0, 3, 3]),   // odd Ho (15), Wo 35: a second block with 3 columns
        ([1, 2, 4, 11, 40], [12, 2, 2, 5, 7], [0, 2, 1]),  // kh 5, asymmetric padding, Wo 18
        ([1, 3, 3, 9, 9], [4, 3, 3, 7, 7], [1, 0, 0]),     // no spatial padding, 2 × 2 outputs
        ([1, 4, 2, 13, 13], [16, 4, 2, 7, 7], [0, 3, 3]),  // odd input sides, four input channels
        ([1, 3, 3, 20, 64], [4, 3, 3, 7, 7], [1, 3, 3]),   // Wo exactly 32
    ])
    func matchesDefinition(input: [Int], kernel: [Int], padding: [Int]) throws {
        let g = ConvGeometry(inChannels: input[1], outChannels: kernel[0], input: Array(input[2...]),
                             kernel: Array(kernel[2...]), stride: [1, 2, 2], padding: padding)
        #expect(Kernels.strideTwoApplies(g))
        let x = randomTensor(input, seed: 171), w = randomTensor(kernel, seed: 172), bias = randomTensor([kernel[0]], seed: 173)
        let reference = referenceConv3d(x, w, bias, stride: [1, 2, 2], padding: padding)
        let y = try conv3d(x, weight: w, bias: bias, stride: (1, 2, 2), padding: (padding[0], padding[1], padding[2]))
        expectClose("stride-2 direct \(input)*\(kernel) p\(padding)", y, reference.values, shape: reference.shape)
        let unbiased = try conv3d(x, weight: w, stride: (1, 2, 2), padding: (padding[0], padding[1], padding[2]))
        expectClose("stride-2 direct, no bias", unbiased, referenceConv3d(x, w, nil, stride: [1, 2, 2], padding: padding).values)
    }

    @Test func depthRangesGiveTheSameBits() {
        // The threads split the output depths; each output sums its taps in the same order
        // whichever range computes it, so any split gives the same bits. (The engine's thread
        // count is left alone: other suites train in parallel.)
        let x = randomTensor([1, 3, 9, 24, 24], seed: 174), w = randomTensor([8, 3, 3, 7, 7], seed: 175)
        let g = ConvGeometry(inChannels: 3, outChannels: 8, input: [9, 24, 24], kernel: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3])
        let s = Kernels.strideTwoGeometry(g)
        var phases = [Float](repeating: .nan, count: 2 * s.inChannels * s.phaseDepths * s.phaseRows * s.phaseColumns)
        var whole = [Float](repeating: 0, count: g.outChannels * g.outputVolume), split = whole
        x.withUnsafeBufferPointer { px in
            phases.withUnsafeMutableBufferPointer { Kernels.fillColumnPhases(px.baseAddress!, $0.baseAddress!, g, s) }
        }
        phases.withUnsafeBufferPointer { ph in
            w.withUnsafeBufferPointer { pw in
                whole.withUnsafeMutableBufferPointer {
                    StrideTwoConvolution.forward(phases: ph.baseAddress!, weights: pw.baseAddress!, bias: nil,
                                                 output: $0.baseAddress!, geometry: s, depths: 0..<s.outDepth)
                }
                split.withUnsafeMutableBufferPointer { out in
                    for depths in [0..<2, 2..<7, 7..<s.outDepth] {
                        StrideTwoConvolution.forward(phases: ph.baseAddress!, weights: pw.baseAddress!, bias: nil,
                                                     output: out.baseAddress!, geometry: s, depths: depths)
                    }
                }
            }
        }
        #expect(!phases.contains { $0.isNaN }, "every phase value is written (zero outside the input)")
        #expect(whole == split)
    }

    @Test func columnPathAgreesOnTheStemShape() throws {
        // The path a processor without AVX-512 takes for the same shape (called directly: the
        // engine-wide switch is left alone, since other suites train in parallel and a run's
        // rounding must not change under them).
        let x = randomTensor([1, 3, 4, 16, 16], seed: 176), w = randomTensor([8, 3, 3, 7, 7], seed: 177)
        let g = ConvGeometry(inChannels: 3, outChannels: 8, input: [4, 16, 16], kernel: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3])
        #expect(Kernels.temporalTapsApply(g))
        let direct = try conv3d(x, weight: w, stride: (1, 2, 2), padding: (1, 3, 3))
        let columns = Tensor.make([1, 8] + g.output) { out in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    Kernels.temporalTapForward(px.baseAddress!, pw.baseAddress!, nil, out, batch: 1, g)
                }
            }
        }
        let reference = referenceConv3d(x, w, nil, stride: [1, 2, 2], padding: [1, 3, 3]).values
        expectClose("stride-2 direct", direct, reference)
        expectClose("stride-2 columns", columns, reference)
    }

    @Test func appliesOnlyToTheStemsShapes() {
        func geometry(_ c: Int, _ m: Int, kernel: [Int], stride: [Int]) -> ConvGeometry {
            ConvGeometry(inChannels: c, outChannels: m, input: [4, 16, 16], kernel: kernel, stride: stride, padding: [0, 3, 3])
        }
        #expect(Kernels.strideTwoApplies(geometry(3, 64, kernel: [3, 7, 7], stride: [1, 2, 2])))
        #expect(Kernels.strideTwoApplies(geometry(1, 16, kernel: [1, 7, 7], stride: [1, 2, 2])))
        #expect(!Kernels.strideTwoApplies(geometry(3, 6, kernel: [3, 7, 7], stride: [1, 2, 2])))   // M not a multiple of 4
        #expect(!Kernels.strideTwoApplies(geometry(8, 64, kernel: [3, 7, 7], stride: [1, 2, 2])))  // many input channels
        #expect(!Kernels.strideTwoApplies(geometry(3, 64, kernel: [3, 5, 5], stride: [1, 2, 2])))  // width 5
        #expect(!Kernels.strideTwoApplies(geometry(3, 64, kernel: [3, 7, 7], stride: [1, 1, 1])))  // stride 1
        #expect(!Kernels.strideTwoApplies(geometry(3, 64, kernel: [3, 7, 7], stride: [2, 2, 2])))  // temporal stride
    }
}
