/// A `(T, D)` row-major matrix of per-frame vectors (embeddings at 25 fps).
public struct FrameMatrix: Sendable, Hashable {
    /// Frames, T.
    public let frames: Int
    /// Vector length, D.
    public let dimension: Int
    /// `(T, D)` row-major.
    public let values: [Float]

    /// - Throws: ``ForensicsError/shapeMismatch(_:)`` unless `values.count == frames·dimension`.
    public init(frames: Int, dimension: Int, values: [Float]) throws {
        guard frames >= 0, dimension > 0, values.count == frames * dimension else {
            throw ForensicsError.shapeMismatch("\(values.count) values for (\(frames), \(dimension))")
        }
        self.frames = frames
        self.dimension = dimension
        self.values = values
    }

    /// A matrix whose shape was already checked.
    private init(validFrames frames: Int, dimension: Int, values: [Float]) {
        self.frames = frames
        self.dimension = dimension
        self.values = values
    }

    /// Builds from rows, all of length `dimension`.
    public init(rows: [[Float]]) throws {
        let d = rows.first?.count ?? 1
        guard rows.allSatisfy({ $0.count == d }) else { throw ForensicsError.shapeMismatch("rows of unequal length") }
        try self.init(frames: rows.count, dimension: max(d, 1), values: rows.isEmpty ? [] : rows.flatMap { $0 })
    }

    /// The same frames with every row scaled to unit length (a zero row stays zero).
    /// Euclidean distance between unit rows is `√(2 − 2·cos)`, so a search on these ranks
    /// frame pairs by cosine similarity, the measure the contrastive loss trains.
    public func rowNormalized() -> FrameMatrix {
        var out = values
        for f in 0..<frames {
            let row = (f * dimension)..<((f + 1) * dimension)
            var sum: Float = 0
            for i in row { sum += out[i] * out[i] }
            guard sum > 0 else { continue }
            let scale = 1 / sum.squareRoot()
            for i in row { out[i] *= scale }
        }
        return FrameMatrix(validFrames: frames, dimension: dimension, values: out)
    }

    /// Euclidean distance between row `i` of `self` and row `j` of `other`.
    @inlinable
    public func distance(row i: Int, to other: FrameMatrix, row j: Int) -> Float {
        var sum: Float = 0
        let a = i * dimension, b = j * other.dimension
        for d in 0..<dimension {
            let diff = values[a + d] - other.values[b + d]
            sum += diff * diff
        }
        return sum.squareRoot()
    }
}
