/// Multi-scale Viola–Jones face detection with a ``HaarCascade``: the image is shrunk by
/// `scaleFactor` per level (bilinear), every window position is tested on the level's integral
/// image, and the raw hits are grouped (``DetectionGrouping``) so each face gives one box.
public struct FaceDetector: Sendable {
    public struct Options: Sendable, Equatable {
        /// Size ratio between pyramid levels.
        public var scaleFactor = 1.1
        /// A face must be found by more than this many overlapping raw windows.
        public var minNeighbours = 3
        /// Smallest face side searched, pixels of the image given (at least the cascade window).
        public var minimumSide = 24
        /// Largest face side searched; nil = the image's shorter side.
        public var maximumSide: Int?

        public init() {}
    }

    public let cascade: HaarCascade
    public let options: Options
    private let compiled: CompiledCascade

    public init(cascade: HaarCascade, options: Options = Options()) {
        self.cascade = cascade
        self.options = options
        compiled = CompiledCascade(cascade)
    }

    /// Faces in `image`, largest group support first.
    /// - Returns: boxes in `image` pixels with the number of raw windows that support each.
    public func detect(_ image: GrayImage) -> [Detection] {
        let raw = rawWindows(image)
        return DetectionGrouping.group(raw, minNeighbours: options.minNeighbours)
    }

    /// Every window the cascade accepts, before grouping (image pixels).
    public func rawWindows(_ image: GrayImage) -> [FaceBox] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let shorter = min(image.width, image.height)
        let maximum = min(options.maximumSide ?? shorter, shorter)
        var hits: [FaceBox] = []
        var factor = max(1.0, Double(options.minimumSide) / Double(min(ww, wh)))
        while true {
            let levelWidth = Int((Double(image.width) / factor).rounded()), levelHeight = Int((Double(image.height) / factor).rounded())
            guard levelWidth >= ww, levelHeight >= wh, Double(min(ww, wh)) * factor <= Double(maximum) + 0.5 else { break }
            let level = image.resized(width: levelWidth, height: levelHeight)
            let integral = IntegralImage(level)
            // Finer levels (large images) are stepped by 2 pixels, coarser ones by 1, as OpenCV does.
            let step = factor > 2 ? 1 : 2
            let f = factor
            compiled.scan(integral, step: step) { x, y in
                hits.append(FaceBox(x: Double(x) * f, y: Double(y) * f, width: Double(ww) * f, height: Double(wh) * f))
            }
            factor *= options.scaleFactor
        }
        return hits
    }

    /// One grouped face.
    public struct Detection: Sendable, Equatable {
        public var box: FaceBox
        /// Raw windows merged into this box (more = more certain).
        public var neighbours: Int
    }
}

/// The cascade flattened for scanning: feature rectangles become offsets into an integral image
/// of a given stride, nodes and leaves sit in contiguous arrays.
private final class CompiledCascade: Sendable {
    struct Rect { var x, y, w, h: Int32; var weight: Float }
    let windowWidth: Int, windowHeight: Int
    /// Per feature: up to 3 rects (unused ones have weight 0).
    let rects: [Rect]
    /// Stage: (first classifier, classifier count, threshold).
    let stages: [(Int, Int, Float)]
    /// Classifier: (first node, first leaf).
    let classifiers: [(Int, Int)]
    let nodes: [HaarCascade.Node]
    let leaves: [Float]

    init(_ cascade: HaarCascade) {
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        var rects: [Rect] = []
        for feature in cascade.features {
            for k in 0..<3 {
                if k < feature.rects.count {
                    let r = feature.rects[k]
                    rects.append(Rect(x: Int32(r.x), y: Int32(r.y), w: Int32(r.width), h: Int32(r.height), weight: r.weight))
                } else {
                    rects.append(Rect(x: 0, y: 0, w: 0, h: 0, weight: 0))
                }
            }
        }
        self.rects = rects
        var stages: [(Int, Int, Float)] = [], classifiers: [(Int, Int)] = []
        var nodes: [HaarCascade.Node] = [], leaves: [Float] = []
        for stage in cascade.stages {
            stages.append((classifiers.count, stage.classifiers.count, stage.threshold))
            for weak in stage.classifiers {
                classifiers.append((nodes.count, leaves.count))
                nodes += weak.nodes
                leaves += weak.leaves
            }
        }
        self.stages = stages
        self.classifiers = classifiers
        self.nodes = nodes
        self.leaves = leaves
    }

    /// Four corner offsets per rect for integral images of row stride `stride`.
    private func offsets(stride: Int) -> [Int] {
        var offsets = [Int](repeating: 0, count: rects.count * 4)
        for (i, r) in rects.enumerated() {
            let x = Int(r.x), y = Int(r.y), w = Int(r.w), h = Int(r.h)
            offsets[4 * i] = y * stride + x
            offsets[4 * i + 1] = y * stride + x + w
            offsets[4 * i + 2] = (y + h) * stride + x
            offsets[4 * i + 3] = (y + h) * stride + x + w
        }
        return offsets
    }

    /// Calls `hit(x, y)` for every window position (level pixels) that passes all stages.
    func scan(_ integral: IntegralImage, step: Int, hit: (Int, Int) -> Void) {
        let stride = integral.stride
        let ofs = offsets(stride: stride)
        let ww = windowWidth, wh = windowHeight
        // The variance window: the detection window inset by one pixel.
        let nx = 1, ny = 1, nw = ww - 2, nh = wh - 2
        let n0 = ny * stride + nx, n1 = ny * stride + nx + nw, n2 = (ny + nh) * stride + nx, n3 = (ny + nh) * stride + nx + nw
        let area = Double(nw * nh)
        integral.sums.withUnsafeBufferPointer { sums in
            integral.squares.withUnsafeBufferPointer { squares in
                ofs.withUnsafeBufferPointer { ofs in
                    rects.withUnsafeBufferPointer { rects in
                        nodes.withUnsafeBufferPointer { nodes in
                            leaves.withUnsafeBufferPointer { leaves in
                                classifiers.withUnsafeBufferPointer { classifiers in
                                    for y in Swift.stride(from: 0, through: integral.height - wh, by: step) {
                                        for x in Swift.stride(from: 0, through: integral.width - ww, by: step) {
                                            let base = y * stride + x
                                            let s = sums[base + n0] - sums[base + n1] - sums[base + n2] + sums[base + n3]
                                            let q = squares[base + n0] - squares[base + n1] - squares[base + n2] + squares[base + n3]
                                            var nf = area * q - Double(s) * Double(s)
                                            nf = nf > 0 ? nf.squareRoot() : 1
                                            let inverse = Float(1 / nf)
                                            func feature(_ f: Int) -> Float {
                                                var value: Float = 0
                                                for k in 0..<3 {
                                                    let r = 3 * f + k
                                                    let weight = rects[r].weight
                                                    if weight == 0 { continue }
                                                    let o = 4 * r
                                                    let sum = sums[base + ofs[o]] - sums[base + ofs[o + 1]] - sums[base + ofs[o + 2]] + sums[base + ofs[o + 3]]
                                                    value += weight * Float(sum)
                                                }
                                                return value * inverse
                                            }
                                            var passed = true
                                            for (first, count, threshold) in stages {
                                                var total: Float = 0
                                                for c in first..<(first + count) {
                                                    let (nodeStart, leafStart) = classifiers[c]
                                                    var index = 0
                                                    while true {
                                                        let node = nodes[nodeStart + index]
                                                        let next = feature(node.feature) < node.threshold ? node.left : node.right
                                                        if next <= 0 { total += leaves[leafStart - next]; break }
                                                        index = next
                                                    }
                                                }
                                                if total < threshold { passed = false; break }
                                            }
                                            if passed { hit(x, y) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
