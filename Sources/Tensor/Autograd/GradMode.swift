/// Whether ops record the autograd graph.
///
/// The flag is a task-local value, so `withNoGrad` switches recording off for everything its body
/// runs — including child tasks — without touching other tasks. With recording off, ops build no
/// graph nodes and keep no inputs alive for a backward pass: inference holds only the tensors that
/// the calling code still references.
public enum GradMode {
    /// `true` (the default) while ops record the graph for tensors that require gradients.
    @TaskLocal public static var isEnabled: Bool = true

    /// Whether an op on `inputs` records a node: recording is on and some input requires gradients.
    static func records(_ inputs: [Tensor]) -> Bool {
        isEnabled && inputs.contains { $0.node != nil }
    }
}

/// Runs `body` with gradient recording off (inference, evaluation, optimiser steps).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

/// Runs the asynchronous `body` with gradient recording off.
public func withNoGrad<R>(_ body: () async throws -> R) async rethrows -> R {
    try await GradMode.$isEnabled.withValue(false) { try await body() }
}
