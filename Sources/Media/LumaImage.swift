/// An 8-bit luminance picture, row-major `(H, W)`, full range (0 = black, 255 = white): the
/// decoder's own Y plane scaled by swscale, for work that needs no colour (face detection).
public struct LumaImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `(H, W)` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height, "pixels must hold width × height bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The picture turned clockwise by `degrees` (0, 90, 180 or 270).
    public func rotatedClockwise(_ degrees: Int) -> LumaImage {
        let (w, h) = (width, height)
        switch degrees {
        case 90, 270:
            var out = [UInt8](repeating: 0, count: pixels.count)
            // The output is h wide and w tall.
            for y in 0..<h {
                for x in 0..<w {
                    let (nx, ny) = degrees == 90 ? (h - 1 - y, x) : (y, w - 1 - x)
                    out[ny * h + nx] = pixels[y * w + x]
                }
            }
            return LumaImage(width: h, height: w, pixels: out)
        case 180:
            return LumaImage(width: w, height: h, pixels: pixels.reversed())
        default:
            return self
        }
    }
}
