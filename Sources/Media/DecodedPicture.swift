import CFFmpeg
import Foundation

/// One decoded source frame, kept as the decoder made it (a reference to FFmpeg's buffers, no
/// conversion yet), so that it can be cut and scaled more than once, later and on another thread
/// (``PictureCutter``): face tracking shrinks it for the detector now and cuts the mouth out of it
/// once the tracked box is known, from the same decode.
public final class DecodedPicture: @unchecked Sendable {
    /// A reference of its own to the decoded buffers (never written: safe to read from any thread).
    let frame: Frame
    /// Clockwise display rotation (0, 90, 180, 270).
    public let rotation: Int

    /// Takes a new reference to `source`'s buffers.
    init(referencing source: Frame, rotation: Int) throws {
        frame = try Frame()
        try check(av_frame_ref(frame.pointer, source.pointer), "referencing a decoded frame")
        self.rotation = rotation
    }

    /// The luma plane as 8-bit full range, stored orientation, for pixel formats without one of their
    /// own (made on first use: ``withLumaPlane(_:)``).
    private var lumaCopy: LumaImage?
    private let lumaCopyLock = NSLock()

    func convertedLuma() throws -> LumaImage {
        lumaCopyLock.lock()
        defer { lumaCopyLock.unlock() }
        if let lumaCopy { return lumaCopy }
        let made = try FrameConverter(rotation: 0, outputSize: nil).convertLuma(frame, region: nil)
        lumaCopy = made
        return made
    }

    /// Displayed (rotation-corrected) size.
    public var displayWidth: Int { rotation == 90 || rotation == 270 ? frame.height : frame.width }
    public var displayHeight: Int { rotation == 90 || rotation == 270 ? frame.width : frame.height }
}

/// A 25 fps timeline frame as a ``DecodedPicture`` (``VideoReader/nextPicture()``). Consecutive
/// timeline frames showing the same source frame share one picture.
public struct PictureFrame: Sendable {
    /// Frame index `t` on the 25 fps timeline.
    public let index: Int
    /// Presentation time of the source frame shown, seconds.
    public let sourceSeconds: Double
    public let picture: DecodedPicture
}

/// Cuts and scales ``DecodedPicture``s: the same conversion as ``VideoReader/next()`` and
/// ``VideoReader/nextLuma()`` with these options (a region in displayed coordinates, swscale's
/// area filter, the display rotation), so a picture cut here equals the reader's own output for
/// that frame and region. Keeps its scalers between calls (the last few source sizes): one cutter
/// per stream of similar regions. Not for concurrent use.
public final class PictureCutter {
    /// Output size in displayed orientation; nil keeps the region's size.
    public let outputSize: VideoReadOptions.Size?
    private var converter: FrameConverter?

    /// - Throws: ``MediaError/invalidArgument(_:)`` for an output size outside 1…4096 pixels a side.
    public init(outputSize: VideoReadOptions.Size?) throws {
        try outputSize?.validate()
        self.outputSize = outputSize
    }

    /// `picture` cut to `region` (displayed coordinates; nil = the whole frame) as RGB.
    /// - Throws: ``MediaError/regionOutsideFrame(region:frameWidth:frameHeight:)``, or an FFmpeg error.
    public func rgb(_ picture: DecodedPicture, region: RegionOfInterest?) throws -> RGBImage {
        try converter(for: picture).convert(picture.frame, region: region)
    }

    /// The same cut as luminance only.
    /// - Throws: as ``rgb(_:region:)``.
    public func luma(_ picture: DecodedPicture, region: RegionOfInterest?) throws -> LumaImage {
        try converter(for: picture).convertLuma(picture.frame, region: region)
    }

    private func converter(for picture: DecodedPicture) throws -> FrameConverter {
        if let converter, converter.rotation == picture.rotation { return converter }
        let made = try FrameConverter(rotation: picture.rotation, outputSize: outputSize.map { ($0.width, $0.height) })
        converter = made
        return made
    }
}
