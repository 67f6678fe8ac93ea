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

    /// Faces in parts of `image` only: the windows of a full ``detect(_:)`` that lie inside one of
    /// `areas` (same pyramid levels, same positions), grouped. A face whose supporting windows all
    /// lie inside an area gets exactly the box the full scan gives it (in practice within a pixel or
    /// two: a group can chain windows of more sizes than an area holds), at a fraction of the cost.
    public func detect(_ image: GrayImage, within areas: [SearchArea]) -> [Detection] {
        DetectionGrouping.group(rawWindows(image, within: areas), minNeighbours: options.minNeighbours)
    }

    /// A part of the image to search and the window sizes wanted there (image pixels).
    public struct SearchArea: Sendable, Equatable {
        /// Windows must lie inside this box.
        public var box: FaceBox
        public var minimumSide: Double
        public var maximumSide: Double

        public init(box: FaceBox, minimumSide: Double, maximumSide: Double) {
            self.box = box
            self.minimumSide = minimumSide
            self.maximumSide = maximumSide
        }

        /// Around a face seen at `face`: `margin` of its side on every edge, sides from
        /// `1/sizeRange` to `sizeRange` times its own.
        public static func around(_ face: FaceBox, margin: Double = 0.5, sizeRange: Double = 1.6) -> SearchArea {
            let side = max(face.width, face.height)
            return SearchArea(box: FaceBox(x: face.x - margin * side, y: face.y - margin * side,
                                           width: face.width + 2 * margin * side, height: face.height + 2 * margin * side),
                              minimumSide: side / sizeRange, maximumSide: side * sizeRange)
        }
    }

    /// Every window the cascade accepts, before grouping (image pixels); with `areas`, only the
    /// windows inside one of them (each window once, however many areas hold it).
    public func rawWindows(_ image: GrayImage, within areas: [SearchArea]? = nil) -> [FaceBox] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let shorter = min(image.width, image.height)
        let maximum = min(options.maximumSide ?? shorter, shorter)
        var hits: [FaceBox] = []
        var factor = max(1.0, Double(options.minimumSide) / Double(min(ww, wh)))
        while true {
            let levelWidth = Int((Double(image.width) / factor).rounded()), levelHeight = Int((Double(image.height) / factor).rounded())
            guard levelWidth >= ww, levelHeight >= wh, Double(min(ww, wh)) * factor <= Double(maximum) + 0.5 else { break }
            defer { factor *= options.scaleFactor }
            // Finer levels (large images) are stepped by 2 pixels, coarser ones by 1, as OpenCV does.
            let step = factor > 2 ? 1 : 2
            let f = factor
            let columns = levelWidth - ww, rows = levelHeight - wh
            var spans: [Span] = []
            if let areas {
                let side = Double(min(ww, wh)) * f
                for area in areas where side >= area.minimumSide - 1e-9 && side <= area.maximumSide + 1e-9 {
                    // Level positions x with x·f ≥ box.x and (x + ww)·f ≤ box.maxX, on the step grid.
                    func first(_ v: Double) -> Int { let p = max(0, Int((v / f - 1e-9).rounded(.up))); return (p + step - 1) / step * step }
                    let x0 = first(area.box.x), y0 = first(area.box.y)
                    let x1 = min(columns, Int(((area.box.x + area.box.width) / f + 1e-9).rounded(.down)) - ww)
                    let y1 = min(rows, Int(((area.box.y + area.box.height) / f + 1e-9).rounded(.down)) - wh)
                    if x0 <= x1, y0 <= y1 { spans.append(Span(x0: x0, x1: x1, y0: y0, y1: y1)) }
                }
                if spans.isEmpty { continue }
            } else {
                spans = [Span(x0: 0, x1: columns, y0: 0, y1: rows)]
            }
            let level = image.resized(width: levelWidth, height: levelHeight)
            let integral = IntegralImage(level)
            var seen = Set<Int>()
            for span in spans {
                for (x, y) in compiled.scan(integral, step: step, span: span) where spans.count == 1 || seen.insert(y * levelWidth + x).inserted {
                    hits.append(FaceBox(x: Double(x) * f, y: Double(y) * f, width: Double(ww) * f, height: Double(wh) * f))
                }
            }
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

/// Window positions to scan on one level: `x0…x1 × y0…y1` (level pixels, inclusive).
struct Span {
    var x0, x1, y0, y1: Int
}

/// The cascade flattened for scanning: feature rectangles become offsets into an integral image
/// of a given stride; stages, nodes and leaves sit in contiguous structure-of-arrays storage so the
/// per-window loop touches only raw buffers.
private final class CompiledCascade: Sendable {
    let windowWidth: Int, windowHeight: Int
    /// Per feature, 3 rects: `(x, y, w, h)` and weight (unused rects have weight 0).
    let rectGeometry: [Int32]
    let rectWeights: [Float]
    let stageFirst: [Int32], stageCount: [Int32], stageThreshold: [Float]
    /// Per classifier: first node and first leaf.
    let classifierNode: [Int32], classifierLeaf: [Int32]
    let nodeLeft: [Int32], nodeRight: [Int32], nodeFeature: [Int32], nodeThreshold: [Float]
    let leaves: [Float]

    init(_ cascade: HaarCascade) {
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        var geometry: [Int32] = [], weights: [Float] = []
        for feature in cascade.features {
            for k in 0..<3 {
                if k < feature.rects.count {
                    let r = feature.rects[k]
                    geometry += [Int32(r.x), Int32(r.y), Int32(r.width), Int32(r.height)]
                    weights.append(r.weight)
                } else {
                    geometry += [0, 0, 0, 0]
                    weights.append(0)
                }
            }
        }
        rectGeometry = geometry
        rectWeights = weights
        var stageFirst: [Int32] = [], stageCount: [Int32] = [], stageThreshold: [Float] = []
        var classifierNode: [Int32] = [], classifierLeaf: [Int32] = []
        var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], threshold: [Float] = [], leaves: [Float] = []
        for stage in cascade.stages {
            stageFirst.append(Int32(classifierNode.count))
            stageCount.append(Int32(stage.classifiers.count))
            stageThreshold.append(stage.threshold)
            for weak in stage.classifiers {
                classifierNode.append(Int32(left.count))
                classifierLeaf.append(Int32(leaves.count))
                for node in weak.nodes {
                    left.append(Int32(node.left))
                    right.append(Int32(node.right))
                    feature.append(Int32(node.feature))
                    threshold.append(node.threshold)
                }
                leaves += weak.leaves
            }
        }
        self.stageFirst = stageFirst
        self.stageCount = stageCount
        self.stageThreshold = stageThreshold
        self.classifierNode = classifierNode
        self.classifierLeaf = classifierLeaf
        nodeLeft = left
        nodeRight = right
        nodeFeature = feature
        nodeThreshold = threshold
        self.leaves = leaves
    }

    /// Four corner offsets per rect for integral images of row stride `stride`.
    private func offsets(stride: Int) -> [Int] {
        let count = rectWeights.count
        var offsets = [Int](repeating: 0, count: count * 4)
        for i in 0..<count {
            let x = Int(rectGeometry[4 * i]), y = Int(rectGeometry[4 * i + 1]), w = Int(rectGeometry[4 * i + 2]), h = Int(rectGeometry[4 * i + 3])
            offsets[4 * i] = y * stride + x
            offsets[4 * i + 1] = y * stride + x + w
            offsets[4 * i + 2] = (y + h) * stride + x
            offsets[4 * i + 3] = (y + h) * stride + x + w
        }
        return offsets
    }

    /// The window positions (level pixels) on the `step` grid within `span` that pass all stages.
    func scan(_ integral: IntegralImage, step: Int, span: Span) -> [(Int, Int)] {
        let stride = integral.stride
        let ofs = offsets(stride: stride)
        let ww = windowWidth, wh = windowHeight
        // The variance window: the detection window inset by one pixel.
        let nw = ww - 2, nh = wh - 2
        let n0 = stride + 1, n1 = stride + 1 + nw, n2 = (1 + nh) * stride + 1, n3 = (1 + nh) * stride + 1 + nw
        let area = Double(nw * nh)
        let stageTotal = stageFirst.count
        var found: [(Int, Int)] = []
        let rows = integral.height - wh, columns = integral.width - ww
        guard rows >= 0, columns >= 0 else { return [] }
        integral.sums.withUnsafeBufferPointer { sums in
        integral.squares.withUnsafeBufferPointer { squares in
        ofs.withUnsafeBufferPointer { ofs in
        rectWeights.withUnsafeBufferPointer { weights in
        stageFirst.withUnsafeBufferPointer { stageFirst in
        stageCount.withUnsafeBufferPointer { stageCount in
        stageThreshold.withUnsafeBufferPointer { stageThreshold in
        classifierNode.withUnsafeBufferPointer { classifierNode in
        classifierLeaf.withUnsafeBufferPointer { classifierLeaf in
        nodeLeft.withUnsafeBufferPointer { nodeLeft in
        nodeRight.withUnsafeBufferPointer { nodeRight in
        nodeFeature.withUnsafeBufferPointer { nodeFeature in
        nodeThreshold.withUnsafeBufferPointer { nodeThreshold in
        leaves.withUnsafeBufferPointer { leaves in
            var y = span.y0
            while y <= min(rows, span.y1) {
                var x = span.x0
                while x <= min(columns, span.x1) {
                    let base = y * stride + x
                    let s = sums[base + n0] &- sums[base + n1] &- sums[base + n2] &+ sums[base + n3]
                    let q = squares[base + n0] - squares[base + n1] - squares[base + n2] + squares[base + n3]
                    var nf = area * q - Double(s) * Double(s)
                    nf = nf > 0 ? nf.squareRoot() : 1
                    let inverse = Float(1 / nf)
                    var passed = true
                    var stage = 0
                    while stage < stageTotal {
                        var total: Float = 0
                        let first = Int(stageFirst[stage]), last = first + Int(stageCount[stage])
                        var c = first
                        while c < last {
                            let nodeStart = Int(classifierNode[c])
                            var index = 0
                            while true {
                                let node = nodeStart + index
                                let f = Int(nodeFeature[node])
                                var value: Float = 0
                                var r = 3 * f
                                let end = r + 3
                                while r < end {
                                    let weight = weights[r]
                                    if weight != 0 {
                                        let o = 4 * r
                                        let rectSum = sums[base + ofs[o]] &- sums[base + ofs[o + 1]] &- sums[base + ofs[o + 2]] &+ sums[base + ofs[o + 3]]
                                        value += weight * Float(rectSum)
                                    }
                                    r += 1
                                }
                                let next = Int(value * inverse < nodeThreshold[node] ? nodeLeft[node] : nodeRight[node])
                                if next <= 0 { total += leaves[Int(classifierLeaf[c]) - next]; break }
                                index = next
                            }
                            c += 1
                        }
                        if total < stageThreshold[stage] { passed = false; break }
                        stage += 1
                    }
                    if passed { found.append((x, y)) }
                    x += step
                }
                y += step
            }
        }}}}}}}}}}}}}}
        return found
    }
}
