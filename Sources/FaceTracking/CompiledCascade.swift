import Foundation

/// Window positions to scan on one level: `x0…x1 × y0…y1` (level pixels, inclusive).
struct Span {
    var x0, x1, y0, y1: Int
}

/// The cascade flattened for scanning: every tree node carries its feature inline — the corner
/// offsets of its rectangles in an integral image of the level's row stride, their weights, its
/// threshold and where each branch leads — so testing a window reads one node record and the
/// integral image, nothing else. Stages and classifiers are contiguous ranges of node indices.
final class CompiledCascade: @unchecked Sendable {
    /// One tree node, its feature resolved for one row stride.
    struct Node {
        /// Four corner offsets per rectangle (top-left, top-right, bottom-left, bottom-right),
        /// relative to the window's top-left corner; rectangles 0…`rects−1` are used.
        var corners: SIMD16<Int32>
        var weights: SIMD4<Float>
        var rects: Int32
        var threshold: Float
        /// Where the branch below (`left`) and at or above (`right`) the threshold leads: a node
        /// index (≥ 0), or a leaf as `−(leaf index + 1)`.
        var left: Int32
        var right: Int32
    }

    let windowWidth: Int, windowHeight: Int
    private let cascade: HaarCascade
    /// Per stage: its first classifier, classifier count and threshold.
    private let stageFirst: [Int32], stageCount: [Int32], stageThreshold: [Float]
    /// Per classifier: the index of its root node.
    private let classifierRoot: [Int32]
    private let leaves: [Float]
    /// Nodes resolved per row stride (a video's frames share their levels' strides).
    private var resolved: [Int: [Node]] = [:]
    private let lock = NSLock()

    init(_ cascade: HaarCascade) {
        self.cascade = cascade
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        var stageFirst: [Int32] = [], stageCount: [Int32] = [], stageThreshold: [Float] = []
        var roots: [Int32] = [], leaves: [Float] = []
        var nodeCount = 0
        for stage in cascade.stages {
            stageFirst.append(Int32(roots.count))
            stageCount.append(Int32(stage.classifiers.count))
            stageThreshold.append(stage.threshold)
            for weak in stage.classifiers {
                roots.append(Int32(nodeCount))
                nodeCount += weak.nodes.count
                leaves += weak.leaves
            }
        }
        self.stageFirst = stageFirst
        self.stageCount = stageCount
        self.stageThreshold = stageThreshold
        classifierRoot = roots
        self.leaves = leaves
    }

    /// The nodes with corner offsets for integral images of row stride `stride` (kept for the
    /// next frame of the same size; at most 64 strides).
    func nodes(stride: Int) -> [Node] {
        if let known = lock.withLock({ resolved[stride] }) { return known }
        let made = resolve(stride: stride)
        lock.withLock {
            if resolved.count >= 64 { resolved.removeAll() }
            resolved[stride] = made
        }
        return made
    }

    private func resolve(stride: Int) -> [Node] {
        var nodes: [Node] = []
        var leafBase = 0
        for stage in cascade.stages {
            for weak in stage.classifiers {
                let rootIndex = nodes.count
                for node in weak.nodes {
                    let feature = cascade.features[node.feature]
                    var corners = SIMD16<Int32>(repeating: 0)
                    var weights = SIMD4<Float>(repeating: 0)
                    for (k, r) in feature.rects.enumerated() {
                        corners[4 * k] = Int32(r.y * stride + r.x)
                        corners[4 * k + 1] = Int32(r.y * stride + r.x + r.width)
                        corners[4 * k + 2] = Int32((r.y + r.height) * stride + r.x)
                        corners[4 * k + 3] = Int32((r.y + r.height) * stride + r.x + r.width)
                        weights[k] = r.weight
                    }
                    func branch(_ child: Int) -> Int32 { child > 0 ? Int32(rootIndex + child) : Int32(-(leafBase - child) - 1) }
                    nodes.append(Node(corners: corners, weights: weights, rects: Int32(feature.rects.count), threshold: node.threshold,
                                      left: branch(node.left), right: branch(node.right)))
                }
                leafBase += weak.leaves.count
            }
        }
        return nodes
    }

    /// The window positions (level pixels) on the `step` grid within `span` that pass all stages.
    func scan(_ integral: IntegralImage, step: Int, span: Span) -> [(Int, Int)] {
        let stride = integral.stride
        let compiled = nodes(stride: stride)
        let ww = windowWidth, wh = windowHeight
        // The variance window: the detection window inset by one pixel.
        let nw = ww - 2, nh = wh - 2
        let n0 = stride + 1, n1 = stride + 1 + nw, n2 = (1 + nh) * stride + 1, n3 = (1 + nh) * stride + 1 + nw
        let area = Double(nw * nh)
        let stageTotal = stageFirst.count
        var found: [(Int, Int)] = []
        let rows = min(integral.height - wh, span.y1), columns = min(integral.width - ww, span.x1)
        guard rows >= span.y0, columns >= span.x0 else { return [] }
        integral.sums.withUnsafeBufferPointer { sums in
        integral.squares.withUnsafeBufferPointer { squares in
        compiled.withUnsafeBufferPointer { nodes in
        stageFirst.withUnsafeBufferPointer { stageFirst in
        stageCount.withUnsafeBufferPointer { stageCount in
        stageThreshold.withUnsafeBufferPointer { stageThreshold in
        classifierRoot.withUnsafeBufferPointer { roots in
        leaves.withUnsafeBufferPointer { leaves in
            // Σ over one rectangle of node `p` (corners k…k+3) at window `base`; exact as UInt32.
            @inline(__always) func rect(_ p: UnsafePointer<Node>, _ k: Int, _ base: Int) -> Float {
                let c = p.pointee.corners
                return Float(sums[base + Int(c[k])] &- sums[base + Int(c[k + 1])] &- sums[base + Int(c[k + 2])] &+ sums[base + Int(c[k + 3])])
            }
            let nodeBase = nodes.baseAddress!
            var y = span.y0
            while y <= rows {
                var x = span.x0
                while x <= columns {
                    let base = y * stride + x
                    let s = sums[base + n0] &- sums[base + n1] &- sums[base + n2] &+ sums[base + n3]
                    let q = squares[base + n0] &- squares[base + n1] &- squares[base + n2] &+ squares[base + n3]
                    var nf = area * Double(q) - Double(s) * Double(s)
                    nf = nf > 0 ? nf.squareRoot() : 1
                    let inverse = Float(1 / nf)
                    var passed = true
                    var stage = 0
                    while stage < stageTotal {
                        var total: Float = 0
                        let first = Int(stageFirst[stage]), last = first + Int(stageCount[stage])
                        var c = first
                        while c < last {
                            var index = Int(roots[c])
                            while true {
                                let p = nodeBase + index
                                let w = p.pointee.weights
                                var value = w[0] * rect(p, 0, base) + w[1] * rect(p, 4, base)
                                if p.pointee.rects > 2 { value += w[2] * rect(p, 8, base) }
                                let next = value * inverse < p.pointee.threshold ? p.pointee.left : p.pointee.right
                                if next < 0 { total += leaves[Int(-next - 1)]; break }
                                index = Int(next)
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
        }}}}}}}}
        return found
    }
}
