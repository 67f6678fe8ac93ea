import Tensor

/// Multi-scale temporal convolutions (k3/k5/k7 · BN · GELU, concatenated, Linear back to `D`, residual),
/// a prepended CLS token and pre-norm transformer encoder layers (DESIGN §2).
struct TemporalTransformer {
    struct Branch {
        let conv: Convolution
        let norm: BatchNorm
    }

    struct EncoderLayer {
        let norm1: LayerNorm
        let attention: Attention
        let norm2: LayerNorm
        let feedForward1: Linear
        let feedForward2: Linear
    }

    let branches: [Branch]
    let merge: Linear
    let cls: Parameter
    let layers: [EncoderLayer]
    let norm: LayerNorm
    let dropout: Float

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        let d = c.modelWidth
        branches = try c.temporalKernelSizes.map { k in
            try Branch(conv: Convolution(loader.scoped("conv_k\(k).conv"), input: d, output: d, kernel: [k]),
                       norm: BatchNorm(loader.scoped("conv_k\(k).bn"), channels: d))
        }
        merge = try Linear(loader.scoped("merge"), input: d * c.temporalKernelSizes.count, output: d)
        cls = try loader.parameter("cls", shape: [1, 1, d], initialiser: .normal(standardDeviation: 0.02))
        layers = try (0..<c.transformerLayers).map { i in
            let l = loader.scoped("layers.\(i)")
            return try EncoderLayer(norm1: LayerNorm(l.scoped("norm1"), width: d),
                                    attention: Attention(l.scoped("self_attn"), width: d, heads: c.heads),
                                    norm2: LayerNorm(l.scoped("norm2"), width: d),
                                    feedForward1: Linear(l.scoped("linear1"), input: d, output: c.feedForwardWidth),
                                    feedForward2: Linear(l.scoped("linear2"), input: c.feedForwardWidth, output: d))
        }
        norm = try LayerNorm(loader.scoped("norm"), width: d)
        dropout = c.transformerDropout
    }

    /// `x: (B, T, D) → cls (B, D), frames (B, T, D)`.
    func callAsFunction(_ x: Tensor, _ context: ForwardContext) throws -> (cls: Tensor, frames: Tensor) {
        let (b, t, d) = try x.dims3()
        let channels = try x.transposed(1, 2) // (B, D, T)
        let scales = try branches.map { try $0.norm($0.conv(channels), context).gelu() } // each (B, D, T)
        let multiScale = try merge(concat(scales, axis: 1).transposed(1, 2)) // (B, T, D)
        let local = try x + multiScale // (B, T, D)
        var h = try concat([cls.value.expanded(to: [b, 1, d]), local], axis: 1) // (B, T+1, D)
        for layer in layers {
            let normed = try layer.norm1(h)
            let attended = try layer.attention(query: normed, keyValue: normed).output // (B, T+1, D)
            h = try h + context.dropout(attended, dropout)
            let hidden = try context.dropout(layer.feedForward1(layer.norm2(h)).gelu(), dropout) // (B, T+1, ff)
            h = try h + context.dropout(layer.feedForward2(hidden), dropout)
        }
        h = try norm(h) // (B, T+1, D)
        return (try h.selecting(0, axis: 1), try h.sliced(axis: 1, 1..<(t + 1))) // (B, D), (B, T, D)
    }
}
