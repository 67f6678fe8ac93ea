import Foundation
import Tensor

/// How a freshly built model gets its tensors.
public enum WeightSource: Sendable {
    /// PyTorch's default initialisation (Kaiming-uniform `±1/√fanIn` for conv and linear weights
    /// and biases, ones/zeros for norms) from a seeded `Xoshiro256`.
    case random(seed: UInt64)
    /// Every tensor zero: for counting parameters without drawing random numbers.
    case zeros
    /// The tensors of a safetensors file; every key must be used and every shape must match.
    case file(SafeTensorsFile)
}

/// How a parameter starts when the source is `.random`.
enum Initialiser {
    /// Uniform on `±1/√fanIn` (PyTorch's conv/linear default).
    case fanIn(Int)
    case ones
    case zeros
    case normal(standardDeviation: Float)
}

/// The shared state of one model's construction: the source, the parameters and buffers made so
/// far (by key) and the keys used.
final class LoaderState {
    let source: WeightSource
    var generator: Xoshiro256
    var parameters: [Parameter] = []
    var buffers: [Parameter] = []
    var usedKeys: Set<String> = []

    init(source: WeightSource) {
        self.source = source
        if case let .random(seed) = source {
            generator = Xoshiro256(seed: seed)
        } else {
            generator = Xoshiro256(seed: 0)
        }
    }

    func tensor(key: String, shape: [Int], initialiser: Initialiser) throws -> Tensor {
        guard !usedKeys.contains(key) else { throw ModelError.invalidConfiguration("tensor key \"\(key)\" defined twice") }
        usedKeys.insert(key)
        switch source {
        case .zeros:
            return Tensor(zeros: shape)
        case .random:
            switch initialiser {
            case let .fanIn(fan): return Tensor.defaultInitialised(shape, fanIn: fan, using: &generator)
            case .ones: return Tensor(repeating: 1, shape: shape)
            case .zeros: return Tensor(zeros: shape)
            case let .normal(sd): return Tensor.normal(shape, standardDeviation: sd, using: &generator)
            }
        case let .file(file):
            guard let entry = file.entry(named: key) else { throw ModelError.missingTensor(key: key, expected: shape) }
            guard entry.shape == shape else { throw ModelError.shapeMismatch(key: key, expected: shape, actual: entry.shape) }
            return try file.tensor(named: key)
        }
    }

    /// Throws when the file holds tensors the model did not ask for.
    func finish() throws {
        guard case let .file(file) = source else { return }
        let unused = file.names.filter { !usedKeys.contains($0) }.sorted()
        if !unused.isEmpty { throw ModelError.unexpectedTensors(unused) }
    }
}

/// A scoped view of the loader: `loader.scoped("visual").scoped("stem")` makes keys such as
/// `visual.stem.conv.weight`, so checkpoint names mirror the key path (candle's `vb.pp`).
struct WeightLoader {
    let state: LoaderState
    let prefix: String

    init(state: LoaderState, prefix: String = "") {
        self.state = state
        self.prefix = prefix
    }

    /// The loader for a child block.
    func scoped(_ name: String) -> WeightLoader {
        WeightLoader(state: state, prefix: key(name))
    }

    func key(_ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

    /// A learnable tensor called `name` under this scope.
    /// - Throws: `ModelError.missingTensor` / `.shapeMismatch` naming the key and both shapes.
    func parameter(_ name: String, shape: [Int], initialiser: Initialiser) throws -> Parameter {
        let k = key(name)
        let parameter = Parameter(try state.tensor(key: k, shape: shape, initialiser: initialiser), name: k)
        state.parameters.append(parameter)
        return parameter
    }

    /// A non-learned state tensor (batch-norm running statistics): saved and loaded, never trained.
    func buffer(_ name: String, shape: [Int], initialiser: Initialiser) throws -> Parameter {
        let k = key(name)
        let buffer = Parameter(try state.tensor(key: k, shape: shape, initialiser: initialiser), name: k, isFrozen: true)
        state.buffers.append(buffer)
        return buffer
    }
}

/// Per-call state of a forward pass: training or evaluation, and the dropout generator.
final class ForwardContext {
    let training: Bool
    var generator: Xoshiro256

    init(training: Bool, generator: Xoshiro256) {
        self.training = training
        self.generator = generator
    }

    /// Inverted dropout in training, identity in evaluation. `x → x`.
    func dropout(_ x: Tensor, _ p: Float) throws -> Tensor {
        guard training, p > 0 else { return x }
        return try x.dropout(probability: p, using: &generator)
    }

    /// Channel dropout (Dropout2d/3d) in training, identity in evaluation. `x: (N, C, …) → x`.
    func channelDropout(_ x: Tensor, _ p: Float) throws -> Tensor {
        guard training, p > 0 else { return x }
        return try x.channelDropout(probability: p, using: &generator)
    }
}
