import Forensics

/// The decoded pictures and sound of one analysis window: what the mouth and log-mel panels show.
public struct WindowMedia: Sendable, Equatable {
    /// The video frames covered, on the clip's 25 fps timeline.
    public var frames: Range<Int>
    public var cropHeight: Int
    public var cropWidth: Int
    /// `(T, 3, H, W)` planar RGB bytes, `T = frames.count`.
    public var crops: [UInt8]
    /// Mel bands `F`.
    public var melBands: Int
    /// `(F, 4T)` natural-log mel power, band-major; mel frames `4t … 4t+3` pair with video frame `t`.
    public var mel: [Float]

    public init(frames: Range<Int>, cropHeight: Int, cropWidth: Int, crops: [UInt8], melBands: Int, mel: [Float]) {
        self.frames = frames
        self.cropHeight = cropHeight
        self.cropWidth = cropWidth
        self.crops = crops
        self.melBands = melBands
        self.mel = mel
    }

    /// The window's media from decoded features (frame numbers taken from the features).
    public init(features: ClipFeatures) {
        self.init(frames: features.firstFrame..<(features.firstFrame + features.frameCount), cropHeight: features.cropHeight,
                  cropWidth: features.cropWidth, crops: features.crops, melBands: features.melBands, mel: features.mel)
    }

    /// Mel frames `M = 4T`.
    public var melFrames: Int { mel.count / max(melBands, 1) }

    /// The RGB of pixel (`x`, `y`) of clip frame `frame`, or nil when the frame is not in this window.
    public func pixel(frame: Int, x: Int, y: Int) -> (UInt8, UInt8, UInt8)? {
        guard frames.contains(frame), x >= 0, y >= 0, x < cropWidth, y < cropHeight else { return nil }
        let plane = cropHeight * cropWidth
        let base = (frame - frames.lowerBound) * 3 * plane + y * cropWidth + x
        guard base + 2 * plane < crops.count else { return nil }
        return (crops[base], crops[base + plane], crops[base + 2 * plane])
    }
}
