import Tensor

/// The visual 3-D ResNet (DESIGN §2): stem Conv3d 3→C k(3,7,7) s(1,2,2) p(1,3,3) · BN · ReLU ·
/// MaxPool3d k(1,3,3) s(1,2,2) p(0,1,1), four residual stages (stage 1 at stride 1, the others
/// s(1,2,2)), Dropout3d.
struct VisualEncoder {
    let stem: Convolution
    let stemNorm: BatchNorm
    let stages: [[ResidualBlock]]
    let dropout: Float

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        stem = try Convolution(loader.scoped("stem.conv"), input: 3, output: c.visualStemWidth, kernel: [3, 7, 7],
                               stride: [1, 2, 2], padding: [1, 3, 3])
        stemNorm = try BatchNorm(loader.scoped("stem.bn"), channels: c.visualStemWidth)
        var input = c.visualStemWidth
        var stages: [[ResidualBlock]] = []
        for (i, width) in c.visualStageWidths.enumerated() {
            var blocks: [ResidualBlock] = []
            for j in 0..<c.residualBlocksPerStage {
                let stride = (i > 0 && j == 0) ? [1, 2, 2] : [1, 1, 1]
                blocks.append(try ResidualBlock(loader.scoped("layer\(i + 1).\(j)"), input: input, output: width, stride: stride))
                input = width
            }
            stages.append(blocks)
        }
        self.stages = stages
        dropout = c.encoderDropout
    }

    /// `video: (B, 3, T, H, W) → feature map (B, C_v, T, H', W')` with `H' ≈ H/32`.
    func callAsFunction(_ video: Tensor, _ context: ForwardContext) throws -> Tensor {
        var x = try stemNorm(stem(video), context).relu() // (B, C0, T, H/2, W/2)
        x = try maxPool3d(x, kernel: (1, 3, 3), stride: (1, 2, 2), padding: (0, 1, 1)) // (B, C0, T, H/4, W/4)
        for block in stages.joined() { x = try block(x, context) }
        return try context.channelDropout(x, dropout) // (B, C_v, T, H', W')
    }
}

/// The audio 2-D ResNet (DESIGN §2): stem Conv2d 1→C k7 s2 p3 · BN · ReLU · MaxPool2d k3 s2 p1,
/// residual stages with strides (1,1), (2,2), (2,1), (2,1), dropout, mean over frequency.
struct AudioEncoder {
    static let stageStrides = [[1, 1], [2, 2], [2, 1], [2, 1]]
    let stem: Convolution
    let stemNorm: BatchNorm
    let stages: [[ResidualBlock]]
    let dropout: Float

    init(_ loader: WeightLoader, configuration c: ModelConfiguration) throws {
        stem = try Convolution(loader.scoped("stem.conv"), input: 1, output: c.audioStemWidth, kernel: [7, 7],
                               stride: [2, 2], padding: [3, 3])
        stemNorm = try BatchNorm(loader.scoped("stem.bn"), channels: c.audioStemWidth)
        var input = c.audioStemWidth
        var stages: [[ResidualBlock]] = []
        for (i, width) in c.audioStageWidths.enumerated() {
            var blocks: [ResidualBlock] = []
            for j in 0..<c.residualBlocksPerStage {
                let stride = j == 0 ? Self.stageStrides[i] : [1, 1]
                blocks.append(try ResidualBlock(loader.scoped("layer\(i + 1).\(j)"), input: input, output: width, stride: stride))
                input = width
            }
            stages.append(blocks)
        }
        self.stages = stages
        dropout = c.encoderDropout
    }

    /// `mel: (B, 1, F, T_a) → (B, C_a, T_a')` with `T_a' = T_a/8` (25 for a 2 s window).
    func callAsFunction(_ mel: Tensor, _ context: ForwardContext) throws -> Tensor {
        var x = try stemNorm(stem(mel), context).relu() // (B, C0, F/2, T_a/2)
        x = try maxPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1)) // (B, C0, F/4, T_a/4)
        for block in stages.joined() { x = try block(x, context) }
        x = try context.dropout(x, dropout) // (B, C_a, F', T_a')
        return try x.mean(axes: [2]) // (B, C_a, T_a')
    }
}
