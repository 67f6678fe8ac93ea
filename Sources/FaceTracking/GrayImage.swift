import Media

/// What the face detector and the tracker look at: an 8-bit luminance image, row-major `(H, W)` —
/// the decoder's own (``LumaImage``, from `VideoReader.nextLuma()`) or one computed from RGB.
public typealias GrayImage = LumaImage

extension LumaImage {
    public init(width: Int, height: Int, value: UInt8 = 0) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    /// BT.601 luma of an RGB image, `Y = (77R + 150G + 29B + 128) >> 8`.
    public init(_ image: RGBImage) {
        let n = image.width * image.height
        var out = [UInt8](repeating: 0, count: n)
        image.pixels.withUnsafeBufferPointer { rgb in
            out.withUnsafeMutableBufferPointer { y in
                for p in 0..<n {
                    let sum = 77 * Int(rgb[3 * p]) + 150 * Int(rgb[3 * p + 1]) + 29 * Int(rgb[3 * p + 2]) + 128
                    y[p] = UInt8(sum >> 8)
                }
            }
        }
        self.init(width: image.width, height: image.height, pixels: out)
    }

    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }

    /// Bilinear resampling to `width × height` with pixel centres aligned (OpenCV's `INTER_LINEAR`
    /// convention: source `x = (x' + ½)·W/W' − ½`, clamped at the borders).
    public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
        if newWidth == width && newHeight == height { return self }
        return resized(width: newWidth, height: newHeight, columns: 0..<newWidth, rows: 0..<newHeight)
    }

    /// The part `columns × rows` of ``resized(width:height:)``'s result, pixel for pixel, computed
    /// without the rest (a face search around known faces needs only their neighbourhoods).
    public func resized(width newWidth: Int, height newHeight: Int, columns: Range<Int>, rows: Range<Int>) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= newWidth && rows.lowerBound >= 0 && rows.upperBound <= newHeight
                     && !columns.isEmpty && !rows.isEmpty, "the part must lie inside the resized image")
        guard width > 0, height > 0 else { return GrayImage(width: columns.count, height: rows.count) }
        let outWidth = columns.count
        let sx = Double(width) / Double(newWidth), sy = Double(height) / Double(newHeight)
        // Per column: left index and weight (fixed point, 11 bits).
        var x0 = [Int](repeating: 0, count: outWidth), wx = [Int](repeating: 0, count: outWidth)
        for (i, x) in columns.enumerated() {
            let fx = min(max((Double(x) + 0.5) * sx - 0.5, 0), Double(width - 1))
            x0[i] = min(Int(fx), width - 1)
            wx[i] = Int(((fx - Double(x0[i])) * 2048).rounded())
        }
        var out = [UInt8](repeating: 0, count: outWidth * rows.count)
        let w = width
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (j, y) in rows.enumerated() {
                    let fy = min(max((Double(y) + 0.5) * sy - 0.5, 0), Double(height - 1))
                    let y0 = min(Int(fy), height - 1), y1 = min(y0 + 1, height - 1)
                    let wy = Int(((fy - Double(y0)) * 2048).rounded())
                    let row0 = y0 * w, row1 = y1 * w
                    for i in 0..<outWidth {
                        let a = x0[i], b = min(a + 1, w - 1), f = wx[i]
                        let top = Int(src[row0 + a]) * (2048 - f) + Int(src[row0 + b]) * f
                        let bottom = Int(src[row1 + a]) * (2048 - f) + Int(src[row1 + b]) * f
                        dst[j * outWidth + i] = UInt8((top * (2048 - wy) + bottom * wy + (1 << 21)) >> 22)
                    }
                }
            }
        }
        return GrayImage(width: outWidth, height: rows.count, pixels: out)
    }

    /// Area-averaged `width × height` miniature (each output pixel the mean of its source block).
    public func thumbnail(width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "thumbnail size must be positive")
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        guard width > 0, height > 0 else { return GrayImage(width: newWidth, height: newHeight, pixels: out) }
        let w = width, h = height
        pixels.withUnsafeBufferPointer { source in
            for ty in 0..<newHeight {
                let y0 = ty * h / newHeight, y1 = min(h, max(y0 + 1, (ty + 1) * h / newHeight))
                for tx in 0..<newWidth {
                    let x0 = tx * w / newWidth, x1 = min(w, max(x0 + 1, (tx + 1) * w / newWidth))
                    var sum = 0
                    for y in y0..<y1 { for x in x0..<x1 { sum += Int(source[y * w + x]) } }
                    out[ty * newWidth + tx] = UInt8(sum / max(1, (y1 - y0) * (x1 - x0)))
                }
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }
}
