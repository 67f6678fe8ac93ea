/// Summed-area tables of a ``GrayImage``: `sum[y][x]` = Σ pixels above and left of `(x, y)`, and
/// the same of squared pixels, each `(H+1, W+1)` with a zero first row and column, so the sum over
/// `[x, x+w) × [y, y+h)` is `s[y][x] − s[y][x+w] − s[y+h][x] + s[y+h][x+w]`.
///
/// The tables are 32-bit and wrap: the four-corner difference is still exact (modulo 2³²) for any
/// rectangle whose true sum is below 2³² — every pixel sum up to 16 million pixels, and squared
/// sums up to 66 000 pixels (a detection window is 576). Half the memory of 64-bit tables, which
/// is what the scan's random reads are bound by.
struct IntegralImage {
    let width: Int
    let height: Int
    /// Row stride of both tables (`W + 1`).
    let stride: Int
    /// `(H+1, W+1)`, wrapping.
    let sums: [UInt32]
    /// `(H+1, W+1)` sums of squares, wrapping.
    let squares: [UInt32]

    /// - Parameter stride: the row stride (default `W + 1`); a larger one leaves the extra columns
    ///   zero. Rounding strides up lets images of nearby widths share one scan layout.
    init(_ image: GrayImage, stride requested: Int? = nil) {
        width = image.width
        height = image.height
        stride = max(width + 1, requested ?? 0)
        var sums = [UInt32](repeating: 0, count: (height + 1) * stride)
        var squares = [UInt32](repeating: 0, count: (height + 1) * stride)
        let w = width, h = height, s = stride
        image.pixels.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { sq in
                    for y in 0..<h {
                        var rowSum: UInt32 = 0
                        var rowSquares: UInt32 = 0
                        for x in 0..<w {
                            let v = UInt32(src[y * w + x])
                            rowSum &+= v
                            rowSquares &+= v &* v
                            sum[(y + 1) * s + x + 1] = sum[y * s + x + 1] &+ rowSum
                            sq[(y + 1) * s + x + 1] = sq[y * s + x + 1] &+ rowSquares
                        }
                    }
                }
            }
        }
        self.sums = sums
        self.squares = squares
    }

    /// Sum of pixels over `[x, x+w) × [y, y+h)` (exact below 2³²).
    func sum(x: Int, y: Int, width w: Int, height h: Int) -> UInt32 {
        sums[y * stride + x] &- sums[y * stride + x + w] &- sums[(y + h) * stride + x] &+ sums[(y + h) * stride + x + w]
    }

    /// Sum of squared pixels over `[x, x+w) × [y, y+h)` (exact below 2³²).
    func squareSum(x: Int, y: Int, width w: Int, height h: Int) -> UInt32 {
        squares[y * stride + x] &- squares[y * stride + x + w] &- squares[(y + h) * stride + x] &+ squares[(y + h) * stride + x + w]
    }
}
