import Tensor

/// The artifact branch (DESIGN §2): a raw path and a temporal-difference path on the visual
/// feature map, a high-frequency path on the Laplacian of the input clip; per-location scores
/// before pooling, pooled features fused with the CLS token.
struct ArtifactBranch {
    struct Output {
        /// `(B, T, h, w)` artifact logits per location, at the high-frequency path's resolution (H/4, W/4).
        var map: Tensor
        /// `(B, T)` artifact logit per frame (the map's mean over h, w).
        var perFrame: Tensor
        /// `(B, 3·A)` the three paths globally pooled (DESIGN's 192).
        var pooled: Tensor
        /// `(B, artifactWidth)` the branch's vector for the head.
        var vector: Tensor
    }

    struct Path {
        let conv1: Convolution, norm1: BatchNorm
        let conv2: Convolution, norm2: BatchNorm

        init(_ loader: WeightLoader, input: Int, hidden: Int, output: Int, stride: [Int]) throws {
            conv1 = try Convolution(loader.scoped("conv1"), input: input, output: hidden, kernel: [3, 3, 3], stride: stride)
            norm1 = try BatchNorm(loader.scoped("bn1"), channels: hidden)
            conv2 = try Convolution(loader.scoped("conv2"), input: hidden, output: output, kernel: [3, 3, 3], stride: stride)
            norm2 = try BatchNorm(loader.scoped("bn2"), channels: output)
        }

        /// `x: (B, C, T, H, W) → (B, A, T, H/s², W/s²)`.
        func callAsFunction(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
            try norm2(conv2(norm1(conv1(x), context).relu()), context).relu()
        }
    }

    let raw: Path
    let difference: Path
    let highFrequency: Path
    let score: Linear
    let fuse1: Linear
    let fuse2: Linear

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        let a = c.artifactSecondWidth
        raw = try Path(loader.scoped("raw"), input: c.visualWidth, hidden: c.artifactFirstWidth, output: a, stride: [1, 1, 1])
        difference = try Path(loader.scoped("diff"), input: c.visualWidth, hidden: c.artifactFirstWidth, output: a,
                              stride: [1, 1, 1])
        highFrequency = try Path(loader.scoped("hf"), input: 3, hidden: c.artifactHighFrequencyFirstWidth, output: a,
                                 stride: [1, 2, 2])
        score = try Linear(loader.scoped("score"), input: 3 * a, output: 1)
        fuse1 = try Linear(loader.scoped("fuse.0"), input: 3 * a + c.modelWidth, output: c.artifactHiddenWidth)
        fuse2 = try Linear(loader.scoped("fuse.2"), input: c.artifactHiddenWidth, output: c.artifactWidth)
    }

    /// `video: (B, 3, T, H, W), featureMap: (B, C_v, T, h', w'), cls: (B, D) → Output`.
    func callAsFunction(video: Tensor, featureMap: Tensor, cls: Tensor, _ context: ForwardContext) throws -> Output {
        let (b, _, t, hv, wv) = try featureMap.dims5()
        let rawMap = try raw(featureMap, context) // (B, A, T, h', w')
        let delta = try featureMap.sliced(axis: 2, 1..<t) - featureMap.sliced(axis: 2, 0..<(t - 1)) // (B, C_v, T-1, h', w')
        var diffMap = try difference(delta, context) // (B, A, T-1, h', w')
        diffMap = try concat([Tensor(zeros: [b, diffMap.shape[1], 1, hv, wv]), diffMap], axis: 2) // (B, A, T, h', w')
        let hfMap = try highFrequency(video.filteredPerPlane(with: .laplacian), context) // (B, A, T, h, w)
        let (h, w) = (hfMap.shape[3], hfMap.shape[4])
        func upsampled(_ x: Tensor) throws -> Tensor {
            try x.linearlyInterpolated(axis: 3, size: h).linearlyInterpolated(axis: 4, size: w) // (B, A, T, h, w)
        }
        let paths = [rawMap, diffMap, hfMap]
        let pooled = try concat(paths.map { try $0.mean(axes: [2, 3, 4]) }, axis: 1) // (B, 3A)
        let stacked = try concat([upsampled(rawMap), upsampled(diffMap), hfMap], axis: 1) // (B, 3A, T, h, w)
        let map = try score(stacked.permuted([0, 2, 3, 4, 1])).squeezed(axis: 4) // (B, T, h, w)
        let perFrame = try map.mean(axes: [2, 3]) // (B, T)
        let vector = try fuse2(fuse1(concat([pooled, cls], axis: 1)).gelu()) // (B, artifactWidth)
        return Output(map: map, perFrame: perFrame, pooled: pooled, vector: vector)
    }
}
