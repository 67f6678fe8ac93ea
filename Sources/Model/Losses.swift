import Tensor

// The training losses of DESIGN §4, beside the model so that training only wires them:
// clip BCE, per-frame sync BCE (masked), audio-visual InfoNCE over time shifts on genuine clips,
// and per-frame artifact BCE where labels exist. Every function is built from engine ops, so its
// backward comes from theirs (tests check each against central finite differences).

/// The weights of the total loss and the settings of the contrastive term.
public struct LossWeights: Codable, Sendable, Equatable {
    /// Weight of the clip BCE.
    public var clip: Float
    /// Weight of the per-frame sync BCE.
    public var sync: Float
    /// Weight of the audio-visual InfoNCE.
    public var contrastive: Float
    /// Weight of the per-frame artifact BCE.
    public var artifact: Float
    /// InfoNCE temperature τ (cosine similarity / τ).
    public var temperature: Float
    /// InfoNCE shifts `−K…K`; the total clamps `K` to `(T − 1) / 2` for short windows.
    public var maxShift: Int

    public init(clip: Float = 1, sync: Float = 0.5, contrastive: Float = 0.1, artifact: Float = 0.5,
                temperature: Float = 0.07, maxShift: Int = 15) {
        self.clip = clip
        self.sync = sync
        self.contrastive = contrastive
        self.artifact = artifact
        self.temperature = temperature
        self.maxShift = maxShift
    }
}

/// The labels of one training batch of `B` windows of `T` frames.
public struct TrainingTargets: Sendable {
    /// `(B)` clip label: 1 = fake, 0 = genuine.
    public var clip: Tensor
    /// `(B, T)` per-frame sync label (1 = in sync) and `(B, T)` mask (1 = frame has a sync label).
    public var sync: Tensor
    public var syncMask: Tensor
    /// `(B, T)` per-frame artifact label (1 = manipulated pixels) and its mask.
    public var artifact: Tensor
    public var artifactMask: Tensor
    /// `B` flags: the clip is genuine (real speech, in sync), so its embeddings join the InfoNCE.
    public var genuine: [Bool]

    public init(clip: Tensor, sync: Tensor, syncMask: Tensor, artifact: Tensor, artifactMask: Tensor, genuine: [Bool]) {
        self.clip = clip
        self.sync = sync
        self.syncMask = syncMask
        self.artifact = artifact
        self.artifactMask = artifactMask
        self.genuine = genuine
    }
}

/// Each loss term (scalars, `()`) and their weighted sum; `total` carries the graph for `backward()`.
public struct LossBreakdown: Sendable {
    public var clip: Tensor
    public var sync: Tensor
    public var contrastive: Tensor
    public var artifact: Tensor
    public var total: Tensor
}

/// The training losses (a namespace).
public enum TrainingLoss {
    /// Clip BCE: mean over the batch of `BCE(logit, label)`. `logits, labels: (B) → ()`.
    /// - Throws: `TensorError.shapeMismatch` for labels of another shape.
    public static func clip(logits: Tensor, labels: Tensor) throws -> Tensor {
        try binaryCrossEntropyWithLogits(logits, targets: labels)
    }

    /// Masked per-frame BCE: `Σ mask·BCE(logit, target) / max(Σ mask, 1)`, the mean over the frames
    /// that have labels (0 when none has). Used for the sync head and the artifact scores.
    /// `logits, targets, mask: (B, T) → ()`; mask entries are 0 or 1 (or weights).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func maskedFrames(logits: Tensor, targets: Tensor, mask: Tensor) throws -> Tensor {
        guard mask.shape == logits.shape else {
            throw TensorError.shapeMismatch(op: "maskedFrames", lhs: logits.shape, rhs: mask.shape)
        }
        let labelled = mask.detached().scalars.reduce(0, +)
        let summed = try binaryCrossEntropyWithLogits(logits, targets: targets, weight: mask.detached(), reduction: .sum)
        return summed / Swift.max(labelled, 1)
    }

    /// Per-frame sync BCE on the sync head's logits. `syncLogits, targets, mask: (B, T) → ()`.
    public static func sync(syncLogits: Tensor, targets: Tensor, mask: Tensor) throws -> Tensor {
        try maskedFrames(logits: syncLogits, targets: targets, mask: mask)
    }

    /// Per-frame artifact BCE on the artifact logits where labels exist. `(B, T) → ()`.
    public static func artifact(artifactLogits: Tensor, targets: Tensor, mask: Tensor) throws -> Tensor {
        try maskedFrames(logits: artifactLogits, targets: targets, mask: mask)
    }

    /// Audio-visual InfoNCE over time shifts, on genuine clips only.
    ///
    /// For every genuine clip `b` and anchor frame `t ∈ [K, T − K)` (the frames whose `2K + 1`
    /// candidates all lie inside the window), the logits are
    /// `cos(v[b, t], a[b, t + s]) / τ` for `s = −K…K` and the positive is `s = 0`;
    /// the loss is the mean cross-entropy over all anchors of all genuine clips.
    /// `visual, audio: (B, T, D)` (the model's `visualEmbedding`, `audioEmbedding`), `genuine`: `B`
    /// flags → `()`; a batch without genuine clips gives a constant 0 (no gradient).
    /// - Throws: `TensorError.shapeMismatch` for embeddings of different shapes,
    ///   `invalidArgument` when `2K + 1 > T`, `K < 0`, `τ ≤ 0` or the flag count is not `B`.
    public static func contrastive(visual: Tensor, audio: Tensor, genuine: [Bool], maxShift k: Int,
                                   temperature: Float) throws -> Tensor {
        guard visual.shape == audio.shape else {
            throw TensorError.shapeMismatch(op: "infoNCE", lhs: visual.shape, rhs: audio.shape)
        }
        let (b, t, _) = try visual.dims3()
        guard genuine.count == b, k >= 0, 2 * k + 1 <= t, temperature > 0 else {
            throw TensorError.invalidArgument(op: "infoNCE",
                message: "\(genuine.count) flags for batch \(b), shifts ±\(k) over \(t) frames, temperature \(temperature)")
        }
        let chosen = genuine.indices.filter { genuine[$0] }
        if chosen.isEmpty { return Tensor(scalar: 0) }
        func pick(_ x: Tensor) throws -> Tensor {
            chosen.count == b ? x : try concat(chosen.map { try x.sliced(axis: 0, $0..<($0 + 1)) }, axis: 0)
        }
        let v = try pick(visual).l2Normalized(axis: -1) // (G, T, D)
        let a = try pick(audio).l2Normalized(axis: -1) // (G, T, D)
        let anchors = t - 2 * k
        let vAnchor = try v.sliced(axis: 1, k..<(k + anchors)) // (G, T', D)
        var similarities: [Tensor] = []
        for s in -k...k {
            let aShifted = try a.sliced(axis: 1, (k + s)..<(k + s + anchors)) // (G, T', D)
            similarities.append(try (vAnchor * aShifted).sum(axes: [2])) // (G, T')
        }
        let logits = try (stack(similarities, axis: 2) / temperature) // (G, T', 2K+1)
            .reshaped(to: [chosen.count * anchors, 2 * k + 1])
        return try crossEntropy(logits, targets: Array(repeating: k, count: chosen.count * anchors))
    }

    /// Every term on the model's outputs and their weighted total.
    /// `outputs` of a batch of `B` windows of `T` frames; `targets` as documented on `TrainingTargets`.
    /// The InfoNCE's `K` is clamped to `(T − 1) / 2`.
    public static func total(_ outputs: ModelOutputs, _ targets: TrainingTargets,
                             weights: LossWeights = LossWeights()) throws -> LossBreakdown {
        let clipLoss = try clip(logits: outputs.logit, labels: targets.clip)
        let syncLoss = try sync(syncLogits: outputs.syncLogit, targets: targets.sync, mask: targets.syncMask)
        let artifactLoss = try artifact(artifactLogits: outputs.artifactLogit, targets: targets.artifact,
                                        mask: targets.artifactMask)
        let t = outputs.visualEmbedding.shape.count == 3 ? outputs.visualEmbedding.shape[1] : 1
        let contrastiveLoss = try contrastive(visual: outputs.visualEmbedding, audio: outputs.audioEmbedding,
                                              genuine: targets.genuine, maxShift: Swift.min(weights.maxShift, (t - 1) / 2),
                                              temperature: weights.temperature)
        let total = try clipLoss * weights.clip + syncLoss * weights.sync
            + contrastiveLoss * weights.contrastive + artifactLoss * weights.artifact
        return LossBreakdown(clip: clipLoss, sync: syncLoss, contrastive: contrastiveLoss, artifact: artifactLoss, total: total)
    }
}
