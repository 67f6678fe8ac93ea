import Dispatch
import Foundation

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

    private init(cascade: HaarCascade, options: Options, compiled: CompiledCascade) {
        self.cascade = cascade
        self.options = options
        self.compiled = compiled
    }

    /// This detector searching faces of at least `side` pixels (itself when it already does),
    /// sharing the compiled cascade.
    public func searching(atLeast side: Int) -> FaceDetector {
        guard options.minimumSide < side else { return self }
        var wider = options
        wider.minimumSide = side
        return FaceDetector(cascade: cascade, options: wider, compiled: compiled)
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
        var factors: [Double] = []
        var factor = max(1.0, Double(options.minimumSide) / Double(min(ww, wh)))
        while true {
            let levelWidth = Int((Double(image.width) / factor).rounded()), levelHeight = Int((Double(image.height) / factor).rounded())
            guard levelWidth >= ww, levelHeight >= wh, Double(min(ww, wh)) * factor <= Double(maximum) + 0.5 else { break }
            factors.append(factor)
            factor *= options.scaleFactor
        }
        // Levels are independent: they run on all cores, and their hits join in level order, so the
        // result is the serial one.
        let levels = factors
        let perLevel = LevelResults(count: levels.count)
        DispatchQueue.concurrentPerform(iterations: levels.count) { i in
            perLevel.store(levelWindows(image, factor: levels[i], within: areas), at: i)
        }
        return perLevel.joined
    }

    /// The accepted windows of the pyramid level `factor` (image pixels).
    private func levelWindows(_ image: GrayImage, factor f: Double, within areas: [SearchArea]?) -> [FaceBox] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let levelWidth = Int((Double(image.width) / f).rounded()), levelHeight = Int((Double(image.height) / f).rounded())
        var hits: [FaceBox] = []
        // Finer levels (large images) are stepped by 2 pixels, coarser ones by 1, as OpenCV does.
        let step = f > 2 ? 1 : 2
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
            if spans.isEmpty { return [] }
        } else {
            spans = [Span(x0: 0, x1: columns, y0: 0, y1: rows)]
        }
        var seen = Set<Int>()
        func add(_ x: Int, _ y: Int) {
            if spans.count == 1 || seen.insert(y * levelWidth + x).inserted {
                hits.append(FaceBox(x: Double(x) * f, y: Double(y) * f, width: Double(ww) * f, height: Double(wh) * f))
            }
        }
        if areas == nil {
            let integral = IntegralImage(image.resized(width: levelWidth, height: levelHeight))
            for (x, y) in compiled.scan(integral, step: step, span: spans[0]) { add(x, y) }
        } else {
            // Only the part of the level each area's windows cover: the same pixels, so the
            // same window sums (integral-image differences do not depend on the origin).
            for span in spans {
                let part = image.resized(width: levelWidth, height: levelHeight,
                                         columns: span.x0..<(span.x1 + ww), rows: span.y0..<(span.y1 + wh))
                let local = Span(x0: 0, x1: span.x1 - span.x0, y0: 0, y1: span.y1 - span.y0)
                // Strides rounded up to 32 so the scan's per-stride node layout is reused.
                let integral = IntegralImage(part, stride: (part.width + 1 + 31) / 32 * 32)
                for (x, y) in compiled.scan(integral, step: step, span: local) { add(x + span.x0, y + span.y0) }
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

/// Per-level window lists filled from several threads, joined in level order.
private final class LevelResults: @unchecked Sendable {
    private let lock = NSLock()
    private var levels: [[FaceBox]]

    init(count: Int) { levels = Array(repeating: [], count: count) }

    func store(_ hits: [FaceBox], at index: Int) { lock.withLock { levels[index] = hits } }

    var joined: [FaceBox] { lock.withLock { levels.flatMap { $0 } } }
}
