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
            for (x, y) in compiled.scan(integral, step: step) {
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

    /// The window positions (level pixels) that pass all stages.
    func scan(_ integral: IntegralImage, step: Int) -> [(Int, Int)] {
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
            var y = 0
            while y <= rows {
                var x = 0
                while x <= columns {
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
