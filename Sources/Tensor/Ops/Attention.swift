/// The projections of one multi-head attention block, as PyTorch's `nn.MultiheadAttention`
/// splits them: each weight is `(D, D)` (rows are output features) and each bias `(D)`.
public struct AttentionProjections: Sendable {
    /// `Q = query · Wqᵀ + bq`.
    public var queryWeight: Tensor, queryBias: Tensor?
    /// `K = key · Wkᵀ + bk`.
    public var keyWeight: Tensor, keyBias: Tensor?
    /// `V = value · Wvᵀ + bv`.
    public var valueWeight: Tensor, valueBias: Tensor?
    /// The projection of the concatenated heads.
    public var outputWeight: Tensor, outputBias: Tensor?

    /// Each weight is `(D, D)`, each bias `(D)` or `nil`.
    public init(queryWeight: Tensor, queryBias: Tensor?, keyWeight: Tensor, keyBias: Tensor?,
                valueWeight: Tensor, valueBias: Tensor?, outputWeight: Tensor, outputBias: Tensor?) {
        self.queryWeight = queryWeight
        self.queryBias = queryBias
        self.keyWeight = keyWeight
        self.keyBias = keyBias
        self.valueWeight = valueWeight
        self.valueBias = valueBias
        self.outputWeight = outputWeight
        self.outputBias = outputBias
    }
}

/// The result of `multiHeadAttention`: the attended values and the attention weights.
public struct AttentionResult: Sendable {
    /// `(B, Tq, D)`.
    public var output: Tensor
    /// Softmax weights per head, `(B, heads, Tq, Tk)`; each row sums to 1.
    public var weights: Tensor
}

/// Scaled dot-product multi-head attention, returning its weights (for the analyst and the
/// explain taps). `query: (B, Tq, D), key, value: (B, Tk, D) → output (B, Tq, D),
/// weights (B, heads, Tq, Tk)`.
///
/// Each head `h` computes `softmax(Q_h K_hᵀ / √dh + mask) V_h` with `dh = D / heads`; the heads are
/// concatenated and projected by the output weight. An additive `mask` broadcastable to
/// `(B, heads, Tq, Tk)` (e.g. −∞ for keys to ignore) is added to the scores before the softmax.
/// - Throws: `TensorError.shapeMismatch` when shapes disagree, `invalidArgument` when `D` is not a
///   multiple of `heads`.
public func multiHeadAttention(query: Tensor, key: Tensor, value: Tensor, projections p: AttentionProjections,
                               heads: Int, mask: Tensor? = nil) throws -> AttentionResult {
    let (b, tq, d) = try query.dims3()
    let (bk, tk, dk) = try key.dims3()
    guard bk == b, dk == d, value.shape == key.shape else {
        throw TensorError.shapeMismatch(op: "multiHeadAttention", lhs: query.shape, rhs: key.shape)
    }
    guard heads > 0, d % heads == 0 else {
        throw TensorError.invalidArgument(op: "multiHeadAttention", message: "width \(d) is not a multiple of \(heads) heads")
    }
    let dh = d / heads
    func split(_ x: Tensor, _ t: Int) throws -> Tensor {
        try x.reshaped(to: [b, t, heads, dh]).permuted([0, 2, 1, 3]) // (B, heads, T, dh)
    }
    let q = try split(linear(query, weight: p.queryWeight, bias: p.queryBias), tq)
    let k = try split(linear(key, weight: p.keyWeight, bias: p.keyBias), tk)
    let v = try split(linear(value, weight: p.valueWeight, bias: p.valueBias), tk)
    var scores = try matmulTransposed(q * (1 / Float(dh).squareRoot()), k) // (B, heads, Tq, Tk)
    if let mask { scores = try scores + mask }
    let weights = try scores.softmax(axis: -1) // (B, heads, Tq, Tk)
    let attended = try matmul(weights, v) // (B, heads, Tq, dh)
    let merged = try attended.permuted([0, 2, 1, 3]).reshaped(to: [b, tq, d]) // (B, Tq, D)
    let output = try linear(merged, weight: p.outputWeight, bias: p.outputBias) // (B, Tq, D)
    return AttentionResult(output: output, weights: weights)
}
