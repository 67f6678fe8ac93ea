/// Summed-area tables of a ``GrayImage``: `sum[y][x]` = Σ pixels above and left of `(x, y)`, and
/// the same of squared pixels, each `(H+1, W+1)` with a zero first row and column, so the sum over
/// `[x, x+w) × [y, y+h)` is `s[y][x] − s[y][x+w] − s[y+h][x] + s[y+h][x+w]`.
struct IntegralImage {
    let width: Int
    let height: Int
    /// Row stride of both tables (`W + 1`).
    let stride: Int
    /// `(H+1, W+1)`; a 4096² image of 255s sums to 4.3e9, so 64-bit.
    let sums: [Int64]
    /// `(H+1, W+1)` sums of squares.
    let squares: [Double]

    init(_ image: GrayImage) {
        width = image.width
        height = image.height
        stride = width + 1
        var sums = [Int64](repeating: 0, count: (height + 1) * stride)
        var squares = [Double](repeating: 0, count: (height + 1) * stride)
        let w = width, h = height, s = stride
        image.pixels.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { sq in
                    for y in 0..<h {
                        var rowSum: Int64 = 0
                        var rowSquares = 0.0
                        for x in 0..<w {
                            let v = Int64(src[y * w + x])
                            rowSum += v
                            rowSquares += Double(v * v)
                            sum[(y + 1) * s + x + 1] = sum[y * s + x + 1] + rowSum
                            sq[(y + 1) * s + x + 1] = sq[y * s + x + 1] + rowSquares
                        }
                    }
                }
            }
        }
        self.sums = sums
        self.squares = squares
    }

    /// Sum of pixels over `[x, x+w) × [y, y+h)`.
    func sum(x: Int, y: Int, width w: Int, height h: Int) -> Int64 {
        sums[y * stride + x] - sums[y * stride + x + w] - sums[(y + h) * stride + x] + sums[(y + h) * stride + x + w]
    }

    /// Sum of squared pixels over `[x, x+w) × [y, y+h)`.
    func squareSum(x: Int, y: Int, width w: Int, height h: Int) -> Double {
        squares[y * stride + x] - squares[y * stride + x + w] - squares[(y + h) * stride + x] + squares[(y + h) * stride + x + w]
    }
}
