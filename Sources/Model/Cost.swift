import Tensor

extension ModelConfiguration {
    /// Estimated forward FLOPs for one window of `windowFrames` frames of `cropHeight × cropWidth`
    /// and `melFrames × melBands` log-mel: 2 × the multiply-adds of every convolution, linear layer
    /// and attention product (norms, activations, pooling and the Laplacian are not counted).
    public func flopsPerWindow() -> Int {
        func out(_ n: Int, _ k: Int, _ s: Int, _ p: Int) -> Int { (n + 2 * p - k) / s + 1 }
        var macs = 0
        let t = windowFrames
        // Visual 3-D ResNet.
        var h = out(cropHeight, 7, 2, 3), w = out(cropWidth, 7, 2, 3)
        macs += t * h * w * visualStemWidth * 3 * 3 * 49
        h = out(h, 3, 2, 1); w = out(w, 3, 2, 1)
        var c = visualStemWidth
        for (i, width) in visualStageWidths.enumerated() {
            for j in 0..<residualBlocksPerStage {
                let s = (i > 0 && j == 0) ? 2 : 1
                let ho = out(h, 3, s, 1), wo = out(w, 3, s, 1)
                macs += t * ho * wo * width * (c * 27 + width * 27)
                if c != width || s != 1 { macs += t * ho * wo * width * c }
                (h, w, c) = (ho, wo, width)
            }
        }
        let (visualH, visualW) = (h, w)
        // Audio 2-D ResNet.
        var f = out(melBands, 7, 2, 3), ta = out(melFrames, 7, 2, 3)
        macs += f * ta * audioStemWidth * 49
        f = out(f, 3, 2, 1); ta = out(ta, 3, 2, 1)
        c = audioStemWidth
        for (i, width) in audioStageWidths.enumerated() {
            for j in 0..<residualBlocksPerStage {
                let s = j == 0 ? AudioEncoder.stageStrides[i] : [1, 1]
                let fo = out(f, 3, s[0], 1), tao = out(ta, 3, s[1], 1)
                macs += fo * tao * width * (c * 9 + width * 9)
                if c != width || s != [1, 1] { macs += fo * tao * width * c }
                (f, ta, c) = (fo, tao, width)
            }
        }
        let d = modelWidth
        // Projections, cross-modal attention (two directions), gate and fusion.
        macs += t * visualWidth * d + ta * audioWidth * d
        macs += 2 * (4 * t * d * d + 2 * t * t * d)
        macs += t * (2 * d * d + d) + t * d * d
        // Temporal convolutions, merge, transformer layers on T+1 tokens.
        macs += temporalKernelSizes.reduce(0) { $0 + t * d * d * $1 } + t * temporalKernelSizes.count * d * d
        let l = t + 1
        macs += transformerLayers * (4 * l * d * d + 2 * l * l * d + 2 * l * d * feedForwardWidth)
        // Artifact branch: raw (T frames) and difference (T−1 frames) paths, high-frequency path, score, fusion.
        let pathMacs = visualH * visualW * 27 * (artifactFirstWidth * visualWidth + artifactSecondWidth * artifactFirstWidth)
        macs += (2 * t - 1) * pathMacs
        let h1 = out(cropHeight, 3, 2, 1), w1 = out(cropWidth, 3, 2, 1)
        let h2 = out(h1, 3, 2, 1), w2 = out(w1, 3, 2, 1)
        macs += t * h1 * w1 * artifactHighFrequencyFirstWidth * 3 * 27
        macs += t * h2 * w2 * artifactSecondWidth * artifactHighFrequencyFirstWidth * 27
        macs += t * h2 * w2 * artifactPooledWidth
        macs += (artifactPooledWidth + d) * artifactHiddenWidth + artifactHiddenWidth * artifactWidth
        // Heads.
        macs += (d + artifactWidth) * headHiddenWidth + headHiddenWidth + t * d
        return 2 * macs
    }

    /// The number of learnable scalars of a model built from this configuration.
    /// - Throws: `ModelError.invalidConfiguration`.
    public func parameterCount() throws -> Int {
        try SyncDefenseModel(configuration: self, source: .zeros).parameterCount
    }
}
