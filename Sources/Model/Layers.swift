import Tensor

// The layers the blocks are made of: thin holders of parameters around the engine's ops, with
// PyTorch's key names (`weight`, `bias`, `running_mean`, `running_var`).

/// A convolution over 1, 2 or 3 trailing axes (no bias when a batch norm follows).
/// `x: (B, C, [D,] [H,] W) → (B, C', …)`.
struct Convolution {
    let weight: Parameter
    let bias: Parameter?
    let kernel: [Int]
    let stride: [Int]
    let padding: [Int]

    init(_ loader: WeightLoader, input: Int, output: Int, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil,
         bias: Bool = false) throws {
        let fanIn = input * kernel.reduce(1, *)
        weight = try loader.parameter("weight", shape: [output, input] + kernel, initialiser: .fanIn(fanIn))
        self.bias = bias ? try loader.parameter("bias", shape: [output], initialiser: .fanIn(fanIn)) : nil
        self.kernel = kernel
        self.stride = stride ?? kernel.map { _ in 1 }
        self.padding = padding ?? kernel.map { $0 / 2 }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let w = weight.value, b = bias?.value
        switch kernel.count {
        case 3:
            return try conv3d(x, weight: w, bias: b, stride: (stride[0], stride[1], stride[2]),
                              padding: (padding[0], padding[1], padding[2]))
        case 2:
            return try conv2d(x, weight: w, bias: b, stride: (stride[0], stride[1]), padding: (padding[0], padding[1]))
        default:
            return try conv1d(x, weight: w, bias: b, stride: stride[0], padding: padding[0])
        }
    }
}

/// Batch normalisation over axis 1 with running statistics kept as buffers.
/// `x: (N, C, …) → (N, C, …)`.
struct BatchNorm {
    let weight: Parameter
    let bias: Parameter
    let runningMean: Parameter
    let runningVariance: Parameter

    init(_ loader: WeightLoader, channels: Int) throws {
        weight = try loader.parameter("weight", shape: [channels], initialiser: .ones)
        bias = try loader.parameter("bias", shape: [channels], initialiser: .zeros)
        runningMean = try loader.buffer("running_mean", shape: [channels], initialiser: .zeros)
        runningVariance = try loader.buffer("running_var", shape: [channels], initialiser: .ones)
    }

    func callAsFunction(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let result = try batchNorm(x, weight: weight.value, bias: bias.value, runningMean: runningMean.value,
                                   runningVariance: runningVariance.value, training: context.training)
        if context.training {
            runningMean.value = result.runningMean
            runningVariance.value = result.runningVariance
        }
        return result.output
    }
}

/// `x: (…, in) → (…, out)`.
struct Linear {
    let weight: Parameter
    let bias: Parameter?

    init(_ loader: WeightLoader, input: Int, output: Int, bias: Bool = true) throws {
        weight = try loader.parameter("weight", shape: [output, input], initialiser: .fanIn(input))
        self.bias = bias ? try loader.parameter("bias", shape: [output], initialiser: .fanIn(input)) : nil
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try linear(x, weight: weight.value, bias: bias?.value)
    }
}

/// Layer normalisation over the last axis. `x: (…, D) → (…, D)`.
struct LayerNorm {
    let weight: Parameter
    let bias: Parameter

    init(_ loader: WeightLoader, width: Int) throws {
        weight = try loader.parameter("weight", shape: [width], initialiser: .ones)
        bias = try loader.parameter("bias", shape: [width], initialiser: .zeros)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try layerNorm(x, weight: weight.value, bias: bias.value)
    }
}

/// Multi-head attention with `nn.MultiheadAttention`'s projections held separately
/// (`q_proj`, `k_proj`, `v_proj`, `out_proj`). `query: (B, Tq, D), kv: (B, Tk, D) →
/// output (B, Tq, D), weights (B, heads, Tq, Tk)`.
struct Attention {
    let query: Linear, key: Linear, value: Linear, output: Linear
    let heads: Int

    init(_ loader: WeightLoader, width: Int, heads: Int) throws {
        query = try Linear(loader.scoped("q_proj"), input: width, output: width)
        key = try Linear(loader.scoped("k_proj"), input: width, output: width)
        value = try Linear(loader.scoped("v_proj"), input: width, output: width)
        output = try Linear(loader.scoped("out_proj"), input: width, output: width)
        self.heads = heads
    }

    func callAsFunction(query q: Tensor, keyValue kv: Tensor) throws -> AttentionResult {
        let projections = AttentionProjections(
            queryWeight: query.weight.value, queryBias: query.bias?.value, keyWeight: key.weight.value,
            keyBias: key.bias?.value, valueWeight: value.weight.value, valueBias: value.bias?.value,
            outputWeight: output.weight.value, outputBias: output.bias?.value)
        return try multiHeadAttention(query: q, key: kv, value: kv, projections: projections, heads: heads)
    }
}

/// A residual block (ResNet basic block) in 3-D or 2-D: conv·BN·ReLU·conv·BN plus the shortcut
/// (a 1×1 conv·BN where the width or stride changes), then ReLU.
/// `x: (B, C, [T,] H, W) → (B, C', [T,] H/s, W/s)`.
struct ResidualBlock {
    let conv1: Convolution, bn1: BatchNorm
    let conv2: Convolution, bn2: BatchNorm
    let shortcut: (conv: Convolution, bn: BatchNorm)?

    init(_ loader: WeightLoader, input: Int, output: Int, stride: [Int]) throws {
        let k = stride.map { _ in 3 }
        conv1 = try Convolution(loader.scoped("conv1"), input: input, output: output, kernel: k, stride: stride)
        bn1 = try BatchNorm(loader.scoped("bn1"), channels: output)
        conv2 = try Convolution(loader.scoped("conv2"), input: output, output: output, kernel: k)
        bn2 = try BatchNorm(loader.scoped("bn2"), channels: output)
        if input != output || stride.contains(where: { $0 != 1 }) {
            let ones = stride.map { _ in 1 }
            shortcut = try (Convolution(loader.scoped("shortcut.conv"), input: input, output: output, kernel: ones,
                                        stride: stride, padding: stride.map { _ in 0 }),
                            BatchNorm(loader.scoped("shortcut.bn"), channels: output))
        } else {
            shortcut = nil
        }
    }

    func callAsFunction(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let y = try bn2(conv2(bn1(conv1(x), context).relu()), context)
        let skip = try shortcut.map { try $0.bn($0.conv(x), context) } ?? x
        return try (y + skip).relu()
    }
}
