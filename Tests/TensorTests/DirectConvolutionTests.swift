import Testing
@testable import Tensor
import TensorWideKernels

/// The direct AVX-512 convolution on small planes (`Kernels.directForward`) against the
/// definitional loop: unit strides and stride 2 along rows, columns or both (the stems, the
/// artifact branch's high-frequency path, the audio encoder's (2, 1) stages), planes whose
/// positions fill an even and an odd number of vectors, odd input sides, kernel sides 3, 5 and 7,
/// padding that differs per axis, input channel counts that are not multiples of 8, several batch
/// elements, with and without bias. Needs a processor with AVX-512 (and the setting on); elsewhere
/// the kernel is never called and these tests are skipped.
@Suite(.enabled(if: Engine.usesWideKernels, "the processor lacks AVX-512 or SYNCDEFENSE_WIDE_KERNELS=0: the direct kernel is not used here"))
struct DirectConvolutionTests {
    @Test(arguments: [
        // (input (B, C, D, H, W), kernel (M, C, kd, kh, kw), stride, padding)
        ([2, 16, 5, 12, 12], [16, 16, 3, 3, 3], [1, 1, 1], [1, 1, 1]),  // the compact layer 1: 11 vectors, two batch elements
        ([1, 32, 4, 6, 6], [32, 32, 3, 3, 3], [1, 1, 1], [1, 1, 1]),    // 6 × 6: three vectors (a pair and a single)
        ([1, 8, 1, 20, 50], [16, 8, 1, 3, 3], [1, 1, 1], [0, 1, 1]),    // a 2-D audio plane as one depth: 65 vectors
        ([1, 5, 3, 9, 14], [8, 5, 1, 5, 5], [1, 1, 1], [0, 2, 2]),      // kernel 5 × 5, five input channels
        ([1, 3, 4, 10, 20], [24, 3, 3, 3, 3], [1, 1, 1], [1, 0, 2]),    // padding differs per axis
        ([2, 3, 5, 24, 24], [8, 3, 3, 7, 7], [1, 2, 2], [1, 3, 3]),     // a stem: 7 × 7 at stride 2, two batch elements
        ([1, 1, 1, 30, 70], [8, 1, 1, 7, 7], [1, 2, 2], [0, 3, 3]),     // the audio stem's form, odd output height
        ([1, 2, 4, 11, 40], [16, 2, 2, 5, 7], [1, 2, 2], [0, 2, 1]),    // kernel 5 × 7, odd input height
        ([1, 4, 2, 29, 29], [16, 4, 2, 7, 7], [1, 2, 2], [0, 3, 3]),    // odd input sides
        ([1, 3, 4, 48, 48], [8, 3, 3, 3, 3], [1, 2, 2], [1, 1, 1]),     // the compact high-frequency path's first convolution
        ([1, 8, 3, 25, 23], [16, 8, 3, 3, 3], [1, 2, 2], [1, 1, 1]),    // odd sides at stride 2
        ([1, 16, 1, 10, 25], [16, 16, 1, 3, 3], [1, 2, 1], [0, 1, 1]),  // stride 2 along rows only (audio stages 3 and 4)
        ([1, 5, 3, 15, 20], [8, 5, 3, 3, 3], [1, 2, 2], [1, 1, 1]),     // chunks of 4 channels and 1
    ])
    func matchesDefinition(input: [Int], kernel: [Int], stride: [Int], padding: [Int]) throws {
        let g = ConvGeometry(inChannels: input[1], outChannels: kernel[0], input: Array(input[2...]),
                             kernel: Array(kernel[2...]), stride: stride, padding: padding)
        #expect(Kernels.directApplies(g))
        let x = randomTensor(input, seed: 181), w = randomTensor(kernel, seed: 182), bias = randomTensor([kernel[0]], seed: 183)
        let reference = referenceConv3d(x, w, bias, stride: stride, padding: padding)
        let s = (stride[0], stride[1], stride[2]), p = (padding[0], padding[1], padding[2])
        let y = try conv3d(x, weight: w, bias: bias, stride: s, padding: p)
        expectClose("direct \(input)*\(kernel) s\(stride) p\(padding)", y, reference.values, shape: reference.shape)
        let unbiased = try conv3d(x, weight: w, stride: s, padding: p)
        expectClose("direct, no bias", unbiased, referenceConv3d(x, w, nil, stride: stride, padding: padding).values)
    }

    @Test func tapsGoInChunksOfWholeInputChannels() {
        func chunk(_ channels: Int, _ kernel: [Int], stride: Int) -> Int {
            Kernels.directTapChunk(ConvGeometry(inChannels: channels, outChannels: 8, input: [8, 16, 16], kernel: kernel,
                                                stride: [1, stride, stride], padding: [0, 0, 0]))
        }
        #expect(chunk(32, [3, 3, 3], stride: 2) == 108)  // 12 planes a channel: four channels of 27 taps
        #expect(chunk(32, [3, 3, 3], stride: 1) == 432)  // 3 planes a channel: sixteen channels
        #expect(chunk(16, [3, 3, 3], stride: 1) == 432)  // all taps where they fit
        #expect(chunk(3, [3, 7, 7], stride: 2) == 441)   // a stem: 36 planes, whole
        #expect(chunk(8, [7, 3, 3], stride: 2) == 63)    // 28 planes a channel: one channel at a time
    }

    @Test func twoAndOneDimensionalConvolutionsTakeItToo() throws {
        // The audio encoder's 3×3 convolutions and the transformer's temporal ones.
        let x2 = randomTensor([2, 16, 10, 25], seed: 184), w2 = randomTensor([32, 16, 3, 3], seed: 185)
        #expect(Kernels.directApplies(ConvGeometry(inChannels: 16, outChannels: 32, input: [1, 10, 25], kernel: [1, 3, 3],
                                                       stride: [1, 1, 1], padding: [0, 1, 1])))
        let y2 = try conv2d(x2, weight: w2, stride: (1, 1), padding: (1, 1))
        let reference2 = referenceConv3d(try x2.reshaped(to: [2, 16, 1, 10, 25]), try w2.reshaped(to: [32, 16, 1, 3, 3]), nil,
                                         stride: [1, 1, 1], padding: [0, 1, 1])
        expectClose("direct, 2-D", y2, reference2.values)
        let x1 = randomTensor([1, 24, 50], seed: 186), w1 = randomTensor([16, 24, 7], seed: 187), b1 = randomTensor([16], seed: 188)
        #expect(Kernels.directApplies(ConvGeometry(inChannels: 24, outChannels: 16, input: [1, 1, 50], kernel: [1, 1, 7],
                                                       stride: [1, 1, 1], padding: [0, 0, 3])))
        let y1 = try conv1d(x1, weight: w1, bias: b1, stride: 1, padding: 3)
        let reference1 = referenceConv3d(try x1.reshaped(to: [1, 24, 1, 1, 50]), try w1.reshaped(to: [16, 24, 1, 1, 7]), b1,
                                         stride: [1, 1, 1], padding: [0, 0, 3])
        expectClose("direct, 1-D", y1, reference1.values)
    }

    @Test(arguments: [([16, 16, 3, 3, 3], [1, 1, 1], [1, 1, 1], [6, 12, 12]), ([8, 3, 3, 7, 7], [1, 2, 2], [1, 3, 3], [4, 24, 24])])
    func columnPathAgrees(kernel: [Int], stride: [Int], padding: [Int], input: [Int]) throws {
        // The path a processor without AVX-512 takes for the same shape (called directly: the
        // engine-wide switch is left alone, since other suites train in parallel).
        let x = randomTensor([1, kernel[1]] + input, seed: 189), w = randomTensor(kernel, seed: 190)
        let g = ConvGeometry(inChannels: kernel[1], outChannels: kernel[0], input: input, kernel: Array(kernel[2...]),
                             stride: stride, padding: padding)
        #expect(Kernels.directApplies(g) && Kernels.temporalTapsApply(g) && !Kernels.winogradApplies(g))
        let direct = try conv3d(x, weight: w, stride: (stride[0], stride[1], stride[2]), padding: (padding[0], padding[1], padding[2]))
        let columns = Tensor.make([1, kernel[0]] + g.output) { out in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    Kernels.temporalTapForward(px.baseAddress!, pw.baseAddress!, nil, out, batch: 1, g)
                }
            }
        }
        let reference = referenceConv3d(x, w, nil, stride: stride, padding: padding).values
        expectClose("direct \(kernel)", direct, reference)
        expectClose("columns \(kernel)", columns, reference)
    }

    @Test func appliesOnlyWhereMostLanesAreOutputs() {
        func geometry(_ c: Int, _ m: Int, plane: [Int], kernel: [Int] = [3, 3, 3], stride: [Int] = [1, 1, 1],
                      padding: [Int] = [1, 1, 1]) -> ConvGeometry {
            ConvGeometry(inChannels: c, outChannels: m, input: [50] + plane, kernel: kernel, stride: stride, padding: padding)
        }
        #expect(Kernels.directApplies(geometry(16, 16, plane: [12, 12])))   // 144 of 176 lanes
        #expect(Kernels.directApplies(geometry(32, 32, plane: [6, 6])))     // 36 of 48
        #expect(!Kernels.directApplies(geometry(64, 64, plane: [3, 3])))    // 9 of 16
        #expect(!Kernels.directApplies(geometry(64, 64, plane: [2, 2])))    // 4 of 16
        #expect(!Kernels.directApplies(geometry(16, 12, plane: [12, 12])))  // M not a multiple of 8
        #expect(Kernels.directApplies(geometry(37, 32, plane: [12, 12])))   // 999 taps per output
        #expect(!Kernels.directApplies(geometry(38, 32, plane: [12, 12])))  // 1 026: the weights leave the L1 cache
        #expect(Kernels.directApplies(geometry(16, 32, plane: [24, 24], stride: [1, 2, 2])))  // 144 of 176 (phase width 13)
        #expect(!Kernels.directApplies(geometry(16, 32, plane: [12, 12], stride: [1, 2, 2]))) // 6 × 6 outputs: columns are faster
        #expect(!Kernels.directApplies(geometry(32, 64, plane: [6, 6], stride: [1, 2, 2])))   // 9 of 16
        #expect(Kernels.directApplies(geometry(3, 64, plane: [64, 64], kernel: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3])))  // the seed stem
        #expect(!Kernels.directApplies(geometry(16, 32, plane: [12, 12], stride: [2, 1, 1])))  // temporal stride
        #expect(!Kernels.directApplies(geometry(16, 32, plane: [12, 12], stride: [1, 3, 3])))
        #expect(!Kernels.directApplies(geometry(16, 32, plane: [12, 12], kernel: [1, 1, 1], padding: [0, 0, 0])))  // pointwise
        #expect(!Kernels.directApplies(geometry(64, 128, plane: [16, 16], kernel: [1, 1, 1], stride: [1, 2, 2], padding: [0, 0, 0])))  // a strided shortcut
    }
}
