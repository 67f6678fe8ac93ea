/// An 8-bit RGB image, rows top to bottom, pixels interleaved: `pixels` is (H, W, 3).
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// (H, W, 3) row-major, R G B per pixel.
    public var pixels: [UInt8]

    /// - Precondition: `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A `width`×`height` image of one colour.
    public init(width: Int, height: Int, red: UInt8 = 0, green: UInt8 = 0, blue: UInt8 = 0) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = red
            pixels[i + 1] = green
            pixels[i + 2] = blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The image as planar floats in [0, 1]: (3, H, W), the model's channel order.
    public func planarFloats() -> [Float] {
        var out = [Float](repeating: 0, count: pixels.count)
        let plane = width * height
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for p in 0..<plane {
                    target[p] = Float(source[3 * p]) / 255
                    target[plane + p] = Float(source[3 * p + 1]) / 255
                    target[2 * plane + p] = Float(source[3 * p + 2]) / 255
                }
            }
        }
        return out
    }

    /// The image turned clockwise by `degrees` (0, 90, 180 or 270).
    public func rotatedClockwise(_ degrees: Int) -> RGBImage {
        switch degrees {
        case 90, 270:
            var out = [UInt8](repeating: 0, count: pixels.count)
            let (w, h) = (width, height)
            // output is h wide, w tall
            for y in 0..<h {
                for x in 0..<w {
                    let (nx, ny) = degrees == 90 ? (h - 1 - y, x) : (y, w - 1 - x)
                    let s = (y * w + x) * 3
                    let d = (ny * h + nx) * 3
                    out[d] = pixels[s]
                    out[d + 1] = pixels[s + 1]
                    out[d + 2] = pixels[s + 2]
                }
            }
            return RGBImage(width: h, height: w, pixels: out)
        case 180:
            var out = [UInt8](repeating: 0, count: pixels.count)
            let count = width * height
            for p in 0..<count {
                let q = count - 1 - p
                out[3 * q] = pixels[3 * p]
                out[3 * q + 1] = pixels[3 * p + 1]
                out[3 * q + 2] = pixels[3 * p + 2]
            }
            return RGBImage(width: width, height: height, pixels: out)
        default:
            return self
        }
    }
}
