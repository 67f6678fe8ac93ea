import Forensics

/// One cross-attention matrix of a window, ready to draw: query frames × key frames.
public struct AttentionMap: Sendable, Equatable {
    /// The window's first frame on the clip timeline.
    public var start: Int
    /// `T` valid frames (a window at the end of a clip may be padded; padding is cut off).
    public var frames: Int
    /// `(T, T)` row-major, row = query frame, column = key frame.
    public var values: [Float]
    public var direction: WorkbenchState.AttentionView.Direction

    /// The map `view` selects from a window's attention: one head or the mean over heads.
    /// - Parameters:
    ///   - window: `heads × W × W` maps (`W` = the model's window frames).
    ///   - validFrames: frames of the window inside the clip (`≤ W`).
    public init(window: Explanations.WindowAttention, view: WorkbenchState.AttentionView, validFrames: Int) {
        let w = window.frames
        let t = max(1, min(validFrames, w))
        let source = view.direction == .videoToAudio ? window.videoToAudio : window.audioToVideo
        let heads = view.head.map { [min($0, window.heads - 1)] } ?? Array(0..<window.heads)
        var values = [Float](repeating: 0, count: t * t)
        for h in heads {
            let base = h * w * w
            for q in 0..<t {
                for k in 0..<t where base + q * w + k < source.count { values[q * t + k] += source[base + q * w + k] }
            }
        }
        let scale = 1 / Float(max(heads.count, 1))
        self.init(start: window.start, frames: t, values: values.map { $0 * scale }, direction: view.direction)
    }

    public init(start: Int, frames: Int, values: [Float], direction: WorkbenchState.AttentionView.Direction) {
        self.start = start
        self.frames = frames
        self.values = values
        self.direction = direction
    }

    /// The key frame each query frame attends to most, `(T)`.
    public var peaks: [Int] {
        (0..<frames).map { q in
            var best = 0
            for k in 1..<max(frames, 1) where values[q * frames + k] > values[q * frames + best] { best = k }
            return best
        }
    }

    /// The offset the attention shows, in frames, with the project's sign (positive = audio leads video):
    /// the median over query frames of the peak's distance from the diagonal. For v→a, video frame `t`
    /// attending to audio frame `t − d` means audio leads by `d`; for a→v the sign is reversed.
    public var peakOffset: Int {
        let shifts = peaks.enumerated().map { q, k in direction == .videoToAudio ? q - k : k - q }.sorted()
        return shifts.isEmpty ? 0 : shifts[shifts.count / 2]
    }

    /// The mean of the block of queries `rows` and keys `keys`.
    func mean(rows: Range<Int>, keys: Range<Int>) -> Float {
        var sum: Float = 0
        for q in rows { for k in keys { sum += values[q * frames + k] } }
        return sum / Float(max(rows.count * keys.count, 1))
    }
}
