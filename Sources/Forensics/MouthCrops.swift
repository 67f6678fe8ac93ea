import Media

/// The mouth crop of each frame of a clip whose faces were tracked, cut by the tracking pass from
/// its own decode (``MouthLocator/locate(path:info:framing:cascadePath:tracking:cropSize:limits:progress:)``),
/// so the analysis need not decode the video again. Each crop is what a `VideoReader` cutting
/// `MouthLocation.regions` gives for that frame.
public struct MouthCrops: Sendable {
    /// Timeline index of `frames[0]` (the tracking pass's first frame).
    public var firstFrame: Int
    /// One per frame of the pass; nil where the crop was not cut (a frame without its followed
    /// face in view holds another frame's region: it is read from the file when needed).
    public var frames: [RGBImage?]

    public init(firstFrame: Int, frames: [RGBImage?]) {
        self.firstFrame = firstFrame
        self.frames = frames
    }

    /// Timeline frames of the pass.
    public var range: Range<Int> { firstFrame..<(firstFrame + frames.count) }

    /// The crop of timeline frame `index`, nil when not cut or outside the pass.
    public func crop(at index: Int) -> RGBImage? {
        range.contains(index) ? frames[index - firstFrame] : nil
    }
}
