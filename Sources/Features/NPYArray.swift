/// An n-dimensional Float32 array in C (row-major) order, as a `.npy` file holds it.
public struct NPYArray: Sendable, Hashable {
    /// Dimensions, outermost first; `[]` is a scalar (one value).
    public let shape: [Int]
    /// `product(shape)` values, row-major.
    public let values: [Float]

    /// Wraps values in a shape.
    /// - Parameters:
    ///   - shape: nonnegative dimensions, e.g. `[80, T_a]` for a log-mel or `[T, 3, H, W]` for frames.
    ///   - values: row-major values, as many as the product of `shape`.
    /// - Throws: ``NPYError/shapeMismatch(shape:valueCount:)`` when the counts disagree or a
    ///   dimension is negative.
    public init(shape: [Int], values: [Float]) throws {
        guard let count = Self.elementCount(of: shape), count == values.count else {
            throw NPYError.shapeMismatch(shape: shape, valueCount: values.count)
        }
        self.shape = shape
        self.values = values
    }

    /// A log-mel as a `(bins, frames)` array.
    /// - Parameter logMel: `(bins, frames)` spectrogram.
    public init(_ logMel: LogMel) {
        shape = [logMel.bins, logMel.frames]
        values = logMel.values
    }

    /// The product of `shape`, or nil when a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
