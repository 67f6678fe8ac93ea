/// The median of a list of numbers by selection rather than sorting: Hoare's quickselect with a
/// median-of-three pivot places the middle element(s) in `O(n)` expected time. The value is the
/// same as sorting would give: the middle element for an odd count, the mean of the two middle
/// elements for an even count. The mouth-opening cue takes the median luma of every crop, and a
/// full sort of each crop's pixels cost ~4 % of a single-core analysis.
enum Median {
    /// Median of a nonempty list (mean of the two middle values for an even count); 0 when empty.
    static func of(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        var work = values
        let n = work.count, mid = n / 2
        return work.withUnsafeMutableBufferPointer { buffer in
            let upper = select(buffer, rank: mid)
            guard n % 2 == 0 else { return upper }
            // Everything before `mid` is ≤ the element at `mid`: the lower middle is their largest.
            var lower = buffer[0]
            for i in 1..<mid where buffer[i] > lower { lower = buffer[i] }
            return (lower + upper) / 2
        }
    }

    /// Rearranges `buffer` so that `buffer[rank]` holds the element a sort would put there, every
    /// element before it is ≤ it and every element after it is ≥ it; returns that element.
    static func select(_ buffer: UnsafeMutableBufferPointer<Float>, rank: Int) -> Float {
        var lo = 0, hi = buffer.count - 1
        while hi > lo {
            // Median of three as the pivot, moved to `lo`.
            let m = lo + (hi - lo) / 2
            if buffer[m] < buffer[lo] { buffer.swapAt(m, lo) }
            if buffer[hi] < buffer[lo] { buffer.swapAt(hi, lo) }
            if buffer[hi] < buffer[m] { buffer.swapAt(hi, m) }
            buffer.swapAt(lo, m)
            let pivot = buffer[lo]
            // Hoare partition of lo+1...hi around the pivot.
            var i = lo + 1, j = hi
            while true {
                while i <= j, buffer[i] < pivot { i += 1 }
                while i <= j, buffer[j] > pivot { j -= 1 }
                if i >= j { break }
                buffer.swapAt(i, j)
                i += 1
                j -= 1
            }
            buffer.swapAt(lo, j) // the pivot lands at j: [lo, j) ≤ pivot ≤ (j, hi]
            if j == rank { return buffer[j] }
            if j < rank { lo = j + 1 } else { hi = j - 1 }
        }
        return buffer[rank]
    }
}
