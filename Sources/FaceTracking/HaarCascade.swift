import Foundation

/// A boosted cascade of Haar-like features in OpenCV's published format
/// (`<cascade type_id="opencv-cascade-classifier">`, `stageType BOOST`, `featureType HAAR`), as
/// Debian's `opencv-data` ships in `/usr/share/opencv4/haarcascades`.
///
/// A window of `windowWidth × windowHeight` pixels passes when every stage's sum of weak-classifier
/// leaf values reaches the stage threshold. A weak classifier is a small decision tree whose nodes
/// compare a feature value — Σ weightᵢ · (pixel sum over rectᵢ), divided by the window's
/// `sqrt(area·Σp² − (Σp)²)` over the window inset by one pixel — with a threshold: below goes left.
public struct HaarCascade: Sendable {
    /// A weighted rectangle of a feature, in window pixels.
    public struct WeightedRect: Sendable, Equatable {
        public var x, y, width, height: Int
        public var weight: Float
    }

    /// One Haar-like feature: two or three weighted rectangles.
    public struct Feature: Sendable {
        public var rects: [WeightedRect]
    }

    /// A tree node. Children ≤ 0 are leaves: leaf index `−child`; children > 0 index nodes.
    public struct Node: Sendable {
        public var left: Int
        public var right: Int
        public var feature: Int
        public var threshold: Float
    }

    public struct WeakClassifier: Sendable {
        public var nodes: [Node]
        public var leaves: [Float]
    }

    public struct Stage: Sendable {
        public var threshold: Float
        public var classifiers: [WeakClassifier]
    }

    public let windowWidth: Int
    public let windowHeight: Int
    public let stages: [Stage]
    public let features: [Feature]

    /// Where Debian's `opencv-data` puts the frontal-face cascade (the default detector).
    public static let defaultSearchPaths = [
        "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
        "/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml",
        "/usr/local/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    ]

    /// Loads the first cascade found: `path` if given, else `$SYNCDEFENSE_FACE_CASCADE`, else
    /// ``defaultSearchPaths``.
    /// - Throws: ``FaceTrackingError/cascadeNotFound(searched:)`` or ``FaceTrackingError/malformedCascade(_:)``.
    public static func load(path: String? = nil) throws -> HaarCascade {
        let candidates: [String]
        if let path { candidates = [path] }
        else if let variable = ProcessInfo.processInfo.environment["SYNCDEFENSE_FACE_CASCADE"], !variable.isEmpty { candidates = [variable] }
        else { candidates = defaultSearchPaths }
        for candidate in candidates where FileManager.default.isReadableFile(atPath: candidate) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: candidate)
            if let size = attributes?[.size] as? Int, size > 64 << 20 {
                throw FaceTrackingError.malformedCascade("\(candidate) is \(size >> 20) MiB; cascades are under 10 MiB")
            }
            guard let data = FileManager.default.contents(atPath: candidate) else { continue }
            do {
                return try HaarCascade(xml: String(decoding: data, as: UTF8.self))
            } catch let FaceTrackingError.malformedCascade(detail) {
                throw FaceTrackingError.malformedCascade("\(candidate): \(detail)")
            }
        }
        throw FaceTrackingError.cascadeNotFound(searched: candidates)
    }

    /// Parses a cascade document.
    /// - Throws: ``FaceTrackingError/malformedCascade(_:)`` naming what is wrong.
    public init(xml: String) throws {
        let root = try CascadeXML.parse(xml)
        guard let cascade = root.child("cascade") else {
            if root.children.contains(where: { $0.attributes["type_id"] == "opencv-haar-classifier" }) {
                throw FaceTrackingError.malformedCascade("old-style (OpenCV 1.x) cascade; use a file from /usr/share/opencv4/haarcascades")
            }
            throw FaceTrackingError.malformedCascade("no <cascade> element")
        }
        func bad(_ message: String) -> FaceTrackingError { .malformedCascade(message) }
        guard cascade.value("stageType") == "BOOST" else { throw bad("stageType is not BOOST") }
        guard cascade.value("featureType") == "HAAR" else {
            throw bad("featureType \(cascade.value("featureType") ?? "missing") is not HAAR (LBP cascades are not supported)")
        }
        guard let width = cascade.value("width").flatMap(Int.init), let height = cascade.value("height").flatMap(Int.init),
              (4...256).contains(width), (4...256).contains(height) else { throw bad("window width/height missing or out of 4…256") }
        windowWidth = width
        windowHeight = height

        guard let featureList = cascade.child("features")?.children, !featureList.isEmpty else { throw bad("no features") }
        var features: [Feature] = []
        for (index, element) in featureList.enumerated() {
            if let tilted = element.value("tilted"), tilted != "0" { throw bad("feature \(index) is tilted (not supported)") }
            guard let rectList = element.child("rects")?.children, (1...3).contains(rectList.count) else {
                throw bad("feature \(index) needs 1–3 rects")
            }
            var rects: [WeightedRect] = []
            for rect in rectList {
                let numbers = Self.numbers(rect.text)
                guard numbers.count == 5, numbers[0...3].allSatisfy({ $0 == $0.rounded() }) else {
                    throw bad("feature \(index) has a rect that is not 'x y w h weight'")
                }
                let r = WeightedRect(x: Int(numbers[0]), y: Int(numbers[1]), width: Int(numbers[2]), height: Int(numbers[3]),
                                     weight: Float(numbers[4]))
                guard r.x >= 0, r.y >= 0, r.width > 0, r.height > 0, r.x + r.width <= width, r.y + r.height <= height,
                      r.weight.isFinite else { throw bad("feature \(index) has a rect outside the \(width)×\(height) window") }
                rects.append(r)
            }
            features.append(Feature(rects: rects))
        }
        self.features = features

        guard let stageList = cascade.child("stages")?.children, !stageList.isEmpty else { throw bad("no stages") }
        var stages: [Stage] = []
        for (s, element) in stageList.enumerated() {
            guard let threshold = element.value("stageThreshold").flatMap(Float.init), threshold.isFinite,
                  let weakList = element.child("weakClassifiers")?.children, !weakList.isEmpty else {
                throw bad("stage \(s) lacks a threshold or weak classifiers")
            }
            var classifiers: [WeakClassifier] = []
            for (c, weak) in weakList.enumerated() {
                let nodeNumbers = Self.numbers(weak.value("internalNodes") ?? "")
                let leaves = Self.numbers(weak.value("leafValues") ?? "").map(Float.init)
                guard !nodeNumbers.isEmpty, nodeNumbers.count % 4 == 0, leaves.count == nodeNumbers.count / 4 + 1,
                      leaves.allSatisfy(\.isFinite) else {
                    throw bad("stage \(s) classifier \(c): internalNodes must be groups of 4 with one more leaf than nodes")
                }
                let nodeCount = nodeNumbers.count / 4
                var nodes: [Node] = []
                for n in 0..<nodeCount {
                    let v = nodeNumbers[(4 * n)..<(4 * n + 4)].map { $0 }
                    let node = Node(left: Int(v[0]), right: Int(v[1]), feature: Int(v[2]), threshold: Float(v[3]))
                    for child in [node.left, node.right] {
                        // A child node must come later, so evaluation always ends.
                        guard child <= 0 ? -child < leaves.count : (child > n && child < nodeCount) else {
                            throw bad("stage \(s) classifier \(c) node \(n) has child \(child) out of range")
                        }
                    }
                    guard node.feature >= 0, node.feature < features.count, node.threshold.isFinite else {
                        throw bad("stage \(s) classifier \(c) node \(n) names feature \(node.feature) of \(features.count)")
                    }
                    nodes.append(node)
                }
                classifiers.append(WeakClassifier(nodes: nodes, leaves: leaves))
            }
            stages.append(Stage(threshold: threshold, classifiers: classifiers))
        }
        self.stages = stages
    }

    private static func numbers(_ text: String) -> [Double] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).compactMap { Double($0) }
    }
}
