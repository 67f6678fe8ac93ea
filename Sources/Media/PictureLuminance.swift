import CFFmpeg

/// Measurements of a ``DecodedPicture``'s luminance read straight from the decoder's luma plane
/// (no scaling or colour conversion of the whole frame): what face tracking needs on every frame,
/// the scene-cut thumbnail and a mouth's motion, at a small fraction of a frame conversion's cost.
/// Values are full range (0 = black, 255 = white) like ``LumaImage``: a limited-range (TV) plane
/// is mapped from 16…235. Coordinates are displayed (rotation-corrected) pixels. Formats whose
/// first plane is not 8-bit luma are converted to it once, on first use.
extension DecodedPicture {
    /// The mean luminance of each cell of a `width × height` grid over the displayed picture,
    /// from every `step`-th pixel of each cell in both directions.
    /// - Throws: an FFmpeg error when a format without an 8-bit luma plane cannot be converted.
    public func thumbnail(width: Int, height: Int, step: Int = 4) throws -> LumaImage {
        precondition(width > 0 && height > 0 && step > 0, "thumbnail size and step must be positive")
        return try withLumaPlane { plane in
            let w = displayWidth, h = displayHeight
            var out = [UInt8](repeating: 0, count: width * height)
            for ty in 0..<height {
                let y0 = ty * h / height, y1 = min(h, max(y0 + 1, (ty + 1) * h / height))
                for tx in 0..<width {
                    let x0 = tx * w / width, x1 = min(w, max(x0 + 1, (tx + 1) * w / width))
                    var sum = 0, count = 0
                    for y in stride(from: y0, to: y1, by: step) {
                        for x in stride(from: x0, to: x1, by: step) { sum += Int(plane[x, y]); count += 1 }
                    }
                    out[ty * width + tx] = plane.fullRange(sum / max(1, count))
                }
            }
            return LumaImage(width: width, height: height, pixels: out)
        }
    }

    /// How much the picture changed since `previous` inside a box: the mean absolute luminance
    /// difference (0…1) over the points `(x0 + (i + ½)·spacing, y0 + (j + ½)·spacing)` inside
    /// `x0..<x1, y0..<y1` (displayed pixels, clipped to the picture). 0 when no point lies inside
    /// or the two pictures differ in size.
    /// - Throws: as ``thumbnail(width:height:step:)``.
    public func meanAbsoluteDifference(from previous: DecodedPicture, x0: Double, y0: Double, x1: Double, y1: Double,
                                       spacing: Double) throws -> Float {
        guard spacing > 0, previous.displayWidth == displayWidth, previous.displayHeight == displayHeight else { return 0 }
        return try withLumaPlane { now in
            try previous.withLumaPlane { before in
                var total = 0, count = 0
                var y = y0 + spacing / 2
                while y < y1 {
                    let py = Int(y)
                    if py >= 0 && py < displayHeight {
                        var x = x0 + spacing / 2
                        while x < x1 {
                            let px = Int(x)
                            if px >= 0 && px < displayWidth {
                                total += abs(Int(now[px, py]) - Int(before[px, py]))
                                count += 1
                            }
                            x += spacing
                        }
                    }
                    y += spacing
                }
                guard count > 0 else { return 0 }
                return Float(total) / Float(count) / Float(now.limitedRange ? 219 : 255)
            }
        }
    }

    /// Runs `body` on the luma plane (the decoder's own, or a converted copy made once).
    func withLumaPlane<R>(_ body: (LumaPlane) throws -> R) throws -> R {
        let format = AVPixelFormat(rawValue: frame.pointer.pointee.format)
        let limited = frame.pointer.pointee.color_range != AVCOL_RANGE_JPEG && !Self.fullRangeFormats.contains(format)
        if Self.lumaFirstFormats.contains(format), let base = frame.pointer.pointee.data.0 {
            return try body(LumaPlane(base: UnsafePointer(base), stride: Int(frame.pointer.pointee.linesize.0), storedWidth: frame.width,
                                      storedHeight: frame.height, rotation: rotation, limitedRange: limited && format != AV_PIX_FMT_GRAY8))
        }
        let converted = try convertedLuma()
        return try converted.pixels.withUnsafeBufferPointer { buffer in
            try body(LumaPlane(base: buffer.baseAddress!, stride: converted.width, storedWidth: converted.width,
                               storedHeight: converted.height, rotation: rotation, limitedRange: false))
        }
    }

    /// 8-bit formats whose first plane is the luma plane at full size.
    private static let lumaFirstFormats: Set<AVPixelFormat> = [
        AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUV444P,
        AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUV440P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUV411P, AV_PIX_FMT_YUV410P,
        AV_PIX_FMT_NV12, AV_PIX_FMT_NV21, AV_PIX_FMT_GRAY8, AV_PIX_FMT_YUVA420P,
    ]
    private static let fullRangeFormats: Set<AVPixelFormat> = [
        AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P,
    ]
}

/// An 8-bit luma plane in stored orientation, read in displayed coordinates. Valid only inside
/// ``DecodedPicture/withLumaPlane(_:)``.
struct LumaPlane {
    let base: UnsafePointer<UInt8>
    let stride: Int
    let storedWidth: Int
    let storedHeight: Int
    let rotation: Int
    /// Values span 16…235 (TV range).
    let limitedRange: Bool

    /// The value at displayed pixel `(x, y)` (inside the displayed picture).
    subscript(x: Int, y: Int) -> UInt8 {
        switch rotation {
        case 90: base[(storedHeight - 1 - x) * stride + y]
        case 180: base[(storedHeight - 1 - y) * stride + (storedWidth - 1 - x)]
        case 270: base[x * stride + (storedWidth - 1 - y)]
        default: base[y * stride + x]
        }
    }

    /// A mean plane value as full range.
    func fullRange(_ value: Int) -> UInt8 {
        guard limitedRange else { return UInt8(clamping: value) }
        return UInt8(clamping: ((value - 16) * 255 + 109) / 219)
    }
}
