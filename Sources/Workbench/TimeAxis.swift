/// The mapping between the timeline's columns and video frames (25 fps).
///
/// `visible` frames are spread over `columns` columns: column `c` covers frames
/// `start + ⌊c·n/columns⌋ ..< start + ⌊(c+1)·n/columns⌋` (at least one frame, so a short clip
/// stretches over the full width).
public struct TimeAxis: Sendable, Hashable {
    public var visible: Range<Int>
    public var columns: Int

    public init(visible: Range<Int>, columns: Int) {
        self.visible = visible
        self.columns = max(1, columns)
    }

    /// The frames under column `c`.
    public func frames(atColumn c: Int) -> Range<Int> {
        let n = visible.count
        let lower = visible.lowerBound + c * n / columns
        let upper = max(lower + 1, visible.lowerBound + (c + 1) * n / columns)
        return lower..<min(upper, max(visible.upperBound, lower + 1))
    }

    /// The first column showing `frame`, or nil when it is outside the visible range.
    public func column(of frame: Int) -> Int? {
        guard visible.contains(frame) else { return nil }
        let guess = max(0, min(columns - 1, (frame - visible.lowerBound) * columns / max(visible.count, 1)))
        var c = guess
        while c > 0, frames(atColumn: c - 1).contains(frame) { c -= 1 }
        while c < columns - 1, !frames(atColumn: c).contains(frame) { c += 1 }
        return c
    }

    /// The visible range for a zoom level: `frameCount >> zoom` frames (at least `minimum`) around `cursor`.
    public static func visibleRange(frameCount: Int, zoom: Int, cursor: Int, minimum: Int = 10) -> Range<Int> {
        guard frameCount > 0 else { return 0..<0 }
        let count = min(frameCount, max(minimum, frameCount >> max(0, zoom)))
        let start = max(0, min(frameCount - count, cursor - count / 2))
        return start..<(start + count)
    }
}
