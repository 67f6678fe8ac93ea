import Tensor

/// Linear projections of both streams to the shared width `D`, with the audio brought to the video
/// rate by linear interpolation along time.
struct Projection {
    let visual: Linear
    let audio: Linear

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        visual = try Linear(loader.scoped("visual"), input: c.visualWidth, output: c.modelWidth)
        audio = try Linear(loader.scoped("audio"), input: c.audioWidth, output: c.modelWidth)
    }

    /// `visual: (B, C_v, T), audio: (B, C_a, T_a') → v_emb (B, T, D), a_emb (B, T, D)`.
    func callAsFunction(visual v: Tensor, audio a: Tensor) throws -> (visual: Tensor, audio: Tensor) {
        let frames = v.shape[2]
        let vEmb = try visual(v.transposed(1, 2)) // (B, T, D)
        let aEmb = try audio(a.transposed(1, 2)) // (B, T_a', D)
        return (vEmb, try aEmb.linearlyInterpolated(axis: 1, size: frames)) // (B, T, D)
    }
}

/// Bidirectional cross-modal attention with a gated fusion (DESIGN §2).
struct CrossModalAttention {
    struct Output {
        /// `(B, T, D)`.
        var fused: Tensor
        /// `(B, heads, T, T)`: video queries attending to audio keys, and the reverse.
        var videoToAudio: Tensor
        var audioToVideo: Tensor
        /// `(B, T)`: the weight of the video stream in the fused token.
        var gate: Tensor
    }

    let videoToAudio: Attention
    let audioToVideo: Attention
    let gateHidden: Linear
    let gateOutput: Linear
    let fuse: Linear

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        let d = c.modelWidth
        videoToAudio = try Attention(loader.scoped("v2a"), width: d, heads: c.heads)
        audioToVideo = try Attention(loader.scoped("a2v"), width: d, heads: c.heads)
        gateHidden = try Linear(loader.scoped("gate.0"), input: 2 * d, output: d)
        gateOutput = try Linear(loader.scoped("gate.2"), input: d, output: 1)
        fuse = try Linear(loader.scoped("fuse"), input: d, output: d)
    }

    /// `v, a: (B, T, D) → fused (B, T, D)`, attention weights `(B, heads, T, T)` each way, gate `(B, T)`.
    func callAsFunction(visual v: Tensor, audio a: Tensor) throws -> Output {
        let v2a = try videoToAudio(query: v, keyValue: a)
        let a2v = try audioToVideo(query: a, keyValue: v)
        let vOut = try v + v2a.output // (B, T, D)
        let aOut = try a + a2v.output // (B, T, D)
        let g = try gateOutput(gateHidden(concat([vOut, aOut], axis: 2)).gelu()).sigmoid() // (B, T, 1)
        let mixed = try g * vOut + (1 - g) * aOut // (B, T, D)
        return Output(fused: try fuse(mixed).relu(), videoToAudio: v2a.weights, audioToVideo: a2v.weights,
                      gate: try g.squeezed(axis: 2))
    }
}
