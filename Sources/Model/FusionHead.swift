import Tensor

/// The clip head (DESIGN §2): concat(CLS, artifact) → Linear · GELU · Dropout · LayerNorm · Linear → logit.
struct FusionHead {
    let hidden: Linear
    let norm: LayerNorm
    let output: Linear
    let dropout: Float

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        hidden = try Linear(loader.scoped("fc1"), input: c.modelWidth + c.artifactWidth, output: c.headHiddenWidth)
        norm = try LayerNorm(loader.scoped("norm"), width: c.headHiddenWidth)
        output = try Linear(loader.scoped("fc2"), input: c.headHiddenWidth, output: 1)
        dropout = c.headDropout
    }

    /// `cls: (B, D), artifact: (B, A) → logit (B)`.
    func callAsFunction(cls: Tensor, artifact: Tensor, _ context: ForwardContext) throws -> Tensor {
        let h = try context.dropout(hidden(concat([cls, artifact], axis: 1)).gelu(), dropout) // (B, hidden)
        return try output(norm(h)).squeezed(axis: 1) // (B)
    }
}

/// The per-frame sync head on the transformer's frame tokens: Linear D → 1.
struct SyncHead {
    let output: Linear

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        output = try Linear(loader.scoped("fc"), input: c.modelWidth, output: 1)
    }

    /// `frames: (B, T, D) → sync logits (B, T)`.
    func callAsFunction(_ frames: Tensor) throws -> Tensor {
        try output(frames).squeezed(axis: 2)
    }
}
