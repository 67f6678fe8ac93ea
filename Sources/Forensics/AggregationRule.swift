/// A way to turn the probabilities of a clip's voting windows into one clip probability.
/// ``VerdictAggregator`` uses ``mean`` unless told otherwise; `syncdefense eval` scores every rule
/// of ``compared`` on the same windows (the measurements behind the default: `Docs/analysis.md`).
public enum AggregationRule: Sendable, Hashable, CustomStringConvertible, Codable {
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

    /// The name in the analysis JSON (`aggregation.method`): mean, median, max, top_k_mean.
    public var method: String {
        switch self {
        case .mean: "mean"
        case .median: "median"
        case .maximum: "max"
        case .topKMean: "top_k_mean"
        }
    }

    /// The rule's name on the command line: mean, median, max, or top-K (e.g. top-3).
    public var argument: String {
        if case .topKMean(let k) = self { return "top-\(k)" }
        return method
    }

    /// Parses ``argument``'s forms (and `top_k_mean:K`).
    /// - Throws: ``ForensicsError/invalidParameter(_:)`` naming the accepted forms.
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        switch lower {
        case "mean": self = .mean
        case "median": self = .median
        case "max", "maximum": self = .maximum
        default:
            let digits = lower.hasPrefix("top-") ? lower.dropFirst(4) : lower.hasPrefix("top_k_mean:") ? lower.dropFirst(11) : ""
            guard let k = Int(digits), k >= 1 else {
                throw ForensicsError.invalidParameter("aggregation \"\(text)\": expected mean, median, max or top-K (K ≥ 1, e.g. top-3)")
            }
            self = .topKMean(k)
        }
    }

    public init(from decoder: Swift.Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(argument)
    }

    /// Windows averaged for `count` voting windows (1 for the median of an odd count and the max).
    public func windowsAveraged(of count: Int) -> Int {
        switch self {
        case .mean: count
        case .median: count % 2 == 1 ? 1 : 2
        case .maximum: 1
        case .topKMean(let k): min(k, count)
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
