/// A way to turn the probabilities of a clip's voting windows into one clip probability.
/// ``VerdictAggregator`` uses ``topKMean(_:)``; the others exist so that `syncdefense eval` can
/// measure the choice against its alternatives on the same windows (`Docs/analysis.md`).
public enum AggregationRule: Sendable, Hashable, CustomStringConvertible {
    /// The mean of all voting windows.
    case mean
    /// The median of all voting windows (the mean of the middle two for an even count).
    case median
    /// The largest window probability.
    case maximum
    /// The mean of the `k` largest (all of them when there are fewer).
    case topKMean(Int)

    /// The rules `syncdefense eval` compares.
    public static let compared: [AggregationRule] = [.mean, .median, .maximum, .topKMean(2), .topKMean(3), .topKMean(5)]

    public var description: String {
        switch self {
        case .mean: "mean"
        case .median: "median"
        case .maximum: "max"
        case .topKMean(let k): "top-\(k) mean"
        }
    }

    /// The clip probability of `probabilities` (voting windows; finite); nil when there are none.
    public func apply(_ probabilities: [Float]) -> Float? {
        guard !probabilities.isEmpty else { return nil }
        let sorted = probabilities.sorted(by: >)
        func average(_ values: ArraySlice<Float>) -> Float { Float(values.reduce(0.0) { $0 + Double($1) } / Double(values.count)) }
        switch self {
        case .mean: return average(sorted[...])
        case .maximum: return sorted[0]
        case .topKMean(let k): return average(sorted.prefix(max(1, k)))
        case .median:
            let n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : average(sorted[(n / 2 - 1)...(n / 2)])
        }
    }
}
