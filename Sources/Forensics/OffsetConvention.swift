import Media

/// The one sign convention for audio–video offsets (DESIGN §1, `TimeConventions`).
///
/// An offset of `k` video frames means **audio leads video by k frames** (`k·40 ms`): the sound of
/// what the mouth does at video frame `t` is already in the audio at frame `t − k`. Written as
/// per-frame sequences, `a[t − k] ≙ v[t]`, i.e. `a[t] ≙ v[t + k]`.
///
/// Careful: a construction `a[t] = v[t − k]` (audio repeats the video `k` frames *later*) is audio
/// *lagging*, offset `−k`. The searches score a shift `s` by comparing `v[t]` with `a[t − s]`; the
/// best shift is then the offset in this convention directly.
public enum OffsetConvention {
    /// The phrase every output that carries an offset repeats.
    public static let text = "positive = audio leads video"

    /// Milliseconds of an offset in video frames (`frames · 40`).
    public static func milliseconds(frames: Int) -> Double {
        TimeConventions.milliseconds(fromFrames: Double(frames))
    }
}
