import Testing
@testable import Tensor
import TensorWideKernels

/// The direct AVX-512 convolution for unit strides on small planes (`Kernels.unitStrideForward`)
/// against the definitional loop: planes whose positions fill an even and an odd number of
/// vectors, 3-D, 2-D and 1-D kernels, kernel sides 3 and 5, padding that differs per axis, input
/// channel counts that are not multiples of 8, several batch elements, with and without bias.
/// Needs a processor with AVX-512 (and the setting on); elsewhere the kernel is never called and
/// these tests are skipped.
@Suite(.enabled(if: Engine.usesWideKernels, "the processor lacks AVX-512 or SYNCDEFENSE_WIDE_KERNELS=0: the direct small-plane kernel is not used here"))
struct UnitStrideConvolutionTests {
    @Test(arguments: [
        // (input (B, C, D, H, W), kernel (M, C, kd, kh, kw), padding)
        ([2, 16, 5, 12, 12], [16, 16, 3, 3, 3], [1, 1, 1]),  // the compact layer 1: 11 vectors per plane, two batch elements
        ([1, 32, 4, 6, 6], [32, 32, 3, 3, 3], [1, 1, 1]),    // 6 × 6: three vectors (a pair and a single)
        ([1, 8, 1, 20, 50], [16, 8, 1, 3, 3], [0, 1, 1]),    // a 2-D audio plane as one depth: 65 vectors
        ([1, 5, 3, 9, 14], [8, 5, 1, 5, 5], [0, 2, 2]),      // kernel 5 × 5, five input channels
        ([1, 3, 4, 10, 20], [24, 3, 3, 3, 3], [1, 0, 2]),    // padding differs per axis
    ])
    func matchesDefinition(input: [Int], kernel: [Int], padding: [Int]) throws {
        let g = ConvGeometry(inChannels: input[1], outChannels: kernel[0], input: Array(input[2...]),
                             kernel: Array(kernel[2...]), stride: [1, 1, 1], padding: padding)
        #expect(Kernels.unitStrideApplies(g))
        let x = randomTensor(input, seed: 181), w = randomTensor(kernel, seed: 182), bias = randomTensor([kernel[0]], seed: 183)
        let reference = referenceConv3d(x, w, bias, stride: [1, 1, 1], padding: padding)
        let y = try conv3d(x, weight: w, bias: bias, stride: (1, 1, 1), padding: (padding[0], padding[1], padding[2]))
        expectClose("unit-stride direct \(input)*\(kernel) p\(padding)", y, reference.values, shape: reference.shape)
        let unbiased = try conv3d(x, weight: w, stride: (1, 1, 1), padding: (padding[0], padding[1], padding[2]))
        expectClose("unit-stride direct, no bias", unbiased, referenceConv3d(x, w, nil, stride: [1, 1, 1], padding: padding).values)
    }

    @Test func twoAndOneDimensionalConvolutionsTakeItToo() throws {
        // The audio encoder's 3×3 convolutions and the transformer's temporal ones.
        let x2 = randomTensor([2, 16, 10, 25], seed: 184), w2 = randomTensor([32, 16, 3, 3], seed: 185)
        #expect(Kernels.unitStrideApplies(ConvGeometry(inChannels: 16, outChannels: 32, input: [1, 10, 25], kernel: [1, 3, 3],
                                                       stride: [1, 1, 1], padding: [0, 1, 1])))
        let y2 = try conv2d(x2, weight: w2, stride: (1, 1), padding: (1, 1))
        let reference2 = referenceConv3d(try x2.reshaped(to: [2, 16, 1, 10, 25]), try w2.reshaped(to: [32, 16, 1, 3, 3]), nil,
                                         stride: [1, 1, 1], padding: [0, 1, 1])
        expectClose("unit-stride direct, 2-D", y2, reference2.values)
        let x1 = randomTensor([1, 24, 50], seed: 186), w1 = randomTensor([16, 24, 7], seed: 187), b1 = randomTensor([16], seed: 188)
        #expect(Kernels.unitStrideApplies(ConvGeometry(inChannels: 24, outChannels: 16, input: [1, 1, 50], kernel: [1, 1, 7],
                                                       stride: [1, 1, 1], padding: [0, 0, 3])))
        let y1 = try conv1d(x1, weight: w1, bias: b1, stride: 1, padding: 3)
        let reference1 = referenceConv3d(try x1.reshaped(to: [1, 24, 1, 1, 50]), try w1.reshaped(to: [16, 24, 1, 1, 7]), b1,
                                         stride: [1, 1, 1], padding: [0, 0, 3])
        expectClose("unit-stride direct, 1-D", y1, reference1.values)
    }

    @Test func columnPathAgreesOnTheCompactLayerShape() throws {
        // The path a processor without AVX-512 takes for the same shape (called directly: the
        // engine-wide switch is left alone, since other suites train in parallel).
        let x = randomTensor([1, 16, 6, 12, 12], seed: 189), w = randomTensor([16, 16, 3, 3, 3], seed: 190)
        let g = ConvGeometry(inChannels: 16, outChannels: 16, input: [6, 12, 12], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1])
        #expect(Kernels.temporalTapsApply(g) && !Kernels.winogradApplies(g))
        let direct = try conv3d(x, weight: w, stride: (1, 1, 1), padding: (1, 1, 1))
        let columns = Tensor.make([1, 16] + g.output) { out in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    Kernels.temporalTapForward(px.baseAddress!, pw.baseAddress!, nil, out, batch: 1, g)
                }
            }
        }
        let reference = referenceConv3d(x, w, nil, stride: [1, 1, 1], padding: [1, 1, 1]).values
        expectClose("unit-stride direct", direct, reference)
        expectClose("unit-stride columns", columns, reference)
    }

    @Test func appliesOnlyWhereMostLanesAreOutputs() {
        func geometry(_ c: Int, _ m: Int, plane: [Int], kernel: [Int] = [3, 3, 3], stride: [Int] = [1, 1, 1],
                      padding: [Int] = [1, 1, 1]) -> ConvGeometry {
            ConvGeometry(inChannels: c, outChannels: m, input: [50] + plane, kernel: kernel, stride: stride, padding: padding)
        }
        #expect(Kernels.unitStrideApplies(geometry(16, 16, plane: [12, 12])))   // 144 of 176 lanes
        #expect(Kernels.unitStrideApplies(geometry(32, 32, plane: [6, 6])))     // 36 of 48
        #expect(!Kernels.unitStrideApplies(geometry(64, 64, plane: [3, 3])))    // 9 of 16
        #expect(!Kernels.unitStrideApplies(geometry(64, 64, plane: [2, 2])))    // 4 of 16
        #expect(!Kernels.unitStrideApplies(geometry(16, 12, plane: [12, 12])))  // M not a multiple of 8
        #expect(!Kernels.unitStrideApplies(geometry(16, 32, plane: [12, 12], stride: [1, 2, 2])))
        #expect(!Kernels.unitStrideApplies(geometry(16, 32, plane: [12, 12], kernel: [1, 1, 1], padding: [0, 0, 0])))  // pointwise
    }
}
