@testable import Forensics
import Testing

@Suite struct MedianTests {
    /// The definition: sort, then the middle element or the mean of the two middle ones.
    static func sortedMedian(_ values: [Float]) -> Float {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    @Test func equalsTheSortedMedian() throws {
        var g = TestRandom(seed: 5)
        for n in Array(1...64) + [99, 100, 257, 2304] {
            let spread: [Float] = g.vector(n)
            // Few distinct values: many ties, as in 8-bit luma.
            let ties: [Float] = spread.map { ($0 * 3).rounded() }
            let ascending: [Float] = (0..<n).map { Float($0) }
            for values in [spread, ties, ascending, Array(ascending.reversed()), [Float](repeating: 7, count: n)] {
                #expect(Median.of(values) == Self.sortedMedian(values), "n = \(n)")
            }
        }
        #expect(Median.of([]) == 0)
    }

    @Test func selectPartitionsAroundTheRank() throws {
        var g = TestRandom(seed: 11)
        let values: [Float] = g.vector(301).map { ($0 * 5).rounded() }
        let sorted = values.sorted()
        for rank in [0, 1, 150, 299, 300] {
            var work = values
            let v = work.withUnsafeMutableBufferPointer { Median.select($0, rank: rank) }
            #expect(v == sorted[rank])
            #expect(work[..<rank].allSatisfy { $0 <= v } && work[(rank + 1)...].allSatisfy { $0 >= v })
            #expect(work.sorted() == sorted)
        }
    }
}
