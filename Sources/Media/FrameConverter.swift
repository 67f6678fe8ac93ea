import CFFmpeg

/// Converts decoded frames to ``RGBImage`` (or ``LumaImage``): crops a region given in displayed
/// coordinates, scales with swscale to the requested size and applies the
/// stream's display rotation. Owns its `SwsContext` and staging frame.
final class FrameConverter {
    /// Clockwise display rotation (0, 90, 180, 270).
    let rotation: Int
    /// Output size in displayed orientation; nil means the region's own size.
    let outputSize: (width: Int, height: Int)?

    /// Scalers by source and target size and format, most recently used last: a tracked mouth's
    /// region changes size by a pixel or two from frame to frame and back, and building a scaler
    /// costs more than the small scaling it does.
    private var scalers: [(key: ScalerKey, context: OpaquePointer)] = []
    private static let scalerCacheSize = 8

    private struct ScalerKey: Equatable {
        var sourceWidth: Int32, sourceHeight: Int32, sourceFormat: Int32
        var width: Int32, height: Int32, format: Int32
    }
    private let staging: Frame
    private let cropped: Frame

    init(rotation: Int, outputSize: (width: Int, height: Int)?) throws {
        self.rotation = rotation
        self.outputSize = outputSize
        staging = try Frame()
        cropped = try Frame()
    }

    deinit {
        for entry in scalers { sws_freeContext(entry.context) }
    }

    /// Converts `frame` into an RGB image in displayed orientation, cut to `region` (displayed
    /// coordinates; nil = the whole frame).
    /// - Throws: ``MediaError/regionOutsideFrame(region:frameWidth:frameHeight:)``
    ///   when the region does not fit the displayed frame, or an FFmpeg error.
    func convert(_ frame: Frame, region: RegionOfInterest?) throws -> RGBImage {
        let (bytes, size) = try convert(frame, region: region, format: AV_PIX_FMT_RGB24, bytesPerPixel: 3)
        return RGBImage(width: size.width, height: size.height, pixels: bytes).rotatedClockwise(rotation)
    }

    /// The same cut and scaling of the luminance only (swscale's full-range GRAY8).
    func convertLuma(_ frame: Frame, region: RegionOfInterest?) throws -> LumaImage {
        let (bytes, size) = try convert(frame, region: region, format: AV_PIX_FMT_GRAY8, bytesPerPixel: 1)
        return LumaImage(width: size.width, height: size.height, pixels: bytes).rotatedClockwise(rotation)
    }

    /// Crops (stored coordinates) and scales `frame` to `format`; returns the packed stored-orientation
    /// pixels and their size.
    private func convert(_ frame: Frame, region: RegionOfInterest?, format: AVPixelFormat,
                         bytesPerPixel: Int) throws -> ([UInt8], (width: Int, height: Int)) {
        let storedWidth = frame.width
        let storedHeight = frame.height
        let swaps = rotation == 90 || rotation == 270
        let displayWidth = swaps ? storedHeight : storedWidth
        let displayHeight = swaps ? storedWidth : storedHeight
        let displayRegion = region ?? RegionOfInterest(x: 0, y: 0, width: displayWidth, height: displayHeight)
        guard displayRegion.isInside(width: displayWidth, height: displayHeight) else {
            throw MediaError.regionOutsideFrame(region: displayRegion, frameWidth: displayWidth, frameHeight: displayHeight)
        }
        let stored = displayRegion.storedRegion(rotation: rotation, storedWidth: storedWidth, storedHeight: storedHeight)
        let target = outputSize ?? (displayRegion.width, displayRegion.height)
        let storedTarget = swaps ? (width: target.height, height: target.width) : (width: target.width, height: target.height)

        cropped.unref()
        try check(av_frame_ref(cropped.pointer, frame.pointer), "referencing a frame")
        if stored != RegionOfInterest(x: 0, y: 0, width: storedWidth, height: storedHeight) {
            cropped.pointer.pointee.crop_left = Int(stored.x)
            cropped.pointer.pointee.crop_top = Int(stored.y)
            cropped.pointer.pointee.crop_right = Int(storedWidth - stored.x - stored.width)
            cropped.pointer.pointee.crop_bottom = Int(storedHeight - stored.y - stored.height)
            try check(av_frame_apply_cropping(cropped.pointer, Int32(AV_FRAME_CROP_UNALIGNED)), "cropping to \(displayRegion)")
        }
        let bytes = try scale(cropped, to: storedTarget, format: format, bytesPerPixel: bytesPerPixel)
        cropped.unref()
        return (bytes, storedTarget)
    }

    /// The scaler for `key` (area filter), from the cache or made.
    private func scaler(_ key: ScalerKey) throws -> OpaquePointer {
        if let found = scalers.firstIndex(where: { $0.key == key }) {
            let entry = scalers.remove(at: found)
            scalers.append(entry)
            return entry.context
        }
        guard let context = sws_getContext(key.sourceWidth, key.sourceHeight, AVPixelFormat(rawValue: key.sourceFormat),
                                           key.width, key.height, AVPixelFormat(rawValue: key.format), Int32(SWS_AREA), nil, nil, nil) else {
            throw MediaError.ffmpeg(operation: "preparing the scaler from \(key.sourceWidth)×\(key.sourceHeight)",
                                    code: cffmpeg_averror(EINVAL), message: "unsupported pixel format or size")
        }
        if scalers.count >= Self.scalerCacheSize { sws_freeContext(scalers.removeFirst().context) }
        scalers.append((key, context))
        return context
    }

    private func scale(_ source: Frame, to size: (width: Int, height: Int), format: AVPixelFormat, bytesPerPixel: Int) throws -> [UInt8] {
        let sourceFormat = AVPixelFormat(rawValue: source.pointer.pointee.format)
        let scaler = try scaler(ScalerKey(sourceWidth: Int32(source.width), sourceHeight: Int32(source.height), sourceFormat: sourceFormat.rawValue,
                                          width: Int32(size.width), height: Int32(size.height), format: format.rawValue))
        if staging.width != size.width || staging.height != size.height || staging.pointer.pointee.format != format.rawValue
            || staging.isEmpty {
            staging.unref()
            staging.pointer.pointee.width = Int32(size.width)
            staging.pointer.pointee.height = Int32(size.height)
            staging.pointer.pointee.format = format.rawValue
            try check(av_frame_get_buffer(staging.pointer, 0), "allocating a \(bytesPerPixel == 1 ? "luminance" : "RGB") frame")
        }
        try check(av_frame_make_writable(staging.pointer), "allocating a \(bytesPerPixel == 1 ? "luminance" : "RGB") frame")
        let sourceData = UnsafePointer<UnsafePointer<UInt8>?>(OpaquePointer(source.planes))
        let rows = sws_scale(scaler, sourceData, source.lineSizes, 0, Int32(source.height), staging.planes, staging.lineSizes)
        try check(rows, "scaling a \(source.width)×\(source.height) frame")

        let rowBytes = size.width * bytesPerPixel
        var pixels = [UInt8](repeating: 0, count: rowBytes * size.height)
        let stride = Int(staging.pointer.pointee.linesize.0)
        let base = staging.pointer.pointee.data.0!
        pixels.withUnsafeMutableBytes { target in
            for y in 0..<size.height {
                (target.baseAddress! + y * rowBytes).copyMemory(from: base + y * stride, byteCount: rowBytes)
            }
        }
        return pixels
    }
}
