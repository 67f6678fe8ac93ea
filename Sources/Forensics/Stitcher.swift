/// Turns per-window, per-frame series into one per-frame series for the clip.
///
/// Each frame's value is the mean of the values all windows covering it gave it (overlap averaging);
/// a frame covered by exactly one window keeps that window's value bit for bit. Sums are in `Double`.
/// Padding frames of a padded window are ignored. Used for sync, gate and artifact `(T,)` series,
/// and row-wise for `(T, D)` embeddings.
public enum Stitcher {
    /// - Parameters:
    ///   - plan: the windows.
    ///   - perWindow: one series per window, each at least `window.validFrames` long (normally
    ///     `windowFrames`); element `i` belongs to video frame `window.start + i`.
    /// - Returns: `(T,)` with `T = plan.frameCount`.
    /// - Throws: ``ForensicsError/shapeMismatch(_:)`` when the counts do not fit the plan.
    public static func stitch(plan: WindowPlan, perWindow: [[Float]]) throws -> [Float] {
        try stitchRows(plan: plan, perWindow: perWindow, dimension: 1)
    }

    /// Row-wise stitching of `(windowFrames, D)` row-major matrices into a `(T, D)` row-major matrix.
    /// - Throws: ``ForensicsError/shapeMismatch(_:)`` when the counts do not fit the plan.
    public static func stitchRows(plan: WindowPlan, perWindow: [[Float]], dimension: Int) throws -> [Float] {
        guard dimension > 0 else { throw ForensicsError.invalidParameter("dimension \(dimension) must be positive") }
        guard perWindow.count == plan.windows.count else {
            throw ForensicsError.shapeMismatch("\(perWindow.count) window series for a plan of \(plan.windows.count) windows")
        }
        var sums = [Double](repeating: 0, count: plan.frameCount * dimension)
        var counts = [Int](repeating: 0, count: plan.frameCount)
        for (window, values) in zip(plan.windows, perWindow) {
            guard values.count >= window.validFrames * dimension else {
                throw ForensicsError.shapeMismatch("window \(window.index) has \(values.count) values, needs \(window.validFrames)×\(dimension)")
            }
            for i in 0..<window.validFrames {
                let frame = window.start + i
                counts[frame] += 1
                for d in 0..<dimension { sums[frame * dimension + d] += Double(values[i * dimension + d]) }
            }
        }
        var out = [Float](repeating: 0, count: sums.count)
        for frame in 0..<plan.frameCount {
            let n = Double(counts[frame])
            for d in 0..<dimension {
                out[frame * dimension + d] = n == 0 ? .nan : Float(sums[frame * dimension + d] / n)
            }
        }
        return out
    }
}
