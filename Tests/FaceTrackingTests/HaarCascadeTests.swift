import Foundation
import Media
import Testing
@testable import FaceTracking

@Suite struct HaarCascadeTests {
    /// A two-stage cascade written out by hand: a stump and a two-node tree.
    static let tiny = """
    <?xml version="1.0"?>
    <opencv_storage>
    <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
      <featureType>HAAR</featureType><height>4</height><width>4</width>
      <stages>
        <_><maxWeakCount>1</maxWeakCount><stageThreshold>0.5</stageThreshold>
          <weakClassifiers><_><internalNodes>0 -1 0 0.1</internalNodes><leafValues>0 1</leafValues></_></weakClassifiers></_>
        <_><maxWeakCount>1</maxWeakCount><stageThreshold>-1</stageThreshold>
          <weakClassifiers><_><internalNodes>0 1 0 0.2 -1 -2 1 0.0</internalNodes><leafValues>1 2 3</leafValues></_></weakClassifiers></_>
      </stages>
      <features>
        <_><rects><_>0 0 4 2 -1.</_><_>0 2 4 2 1.</_></rects></_>
        <_><rects><_>0 0 2 4 1.</_><_>2 0 2 4 -1.</_></rects><tilted>0</tilted></_>
      </features>
    </cascade>
    </opencv_storage>
    """

    @Test func readsStagesTreesAndFeatures() throws {
        let c = try HaarCascade(xml: Self.tiny)
        #expect(c.windowWidth == 4 && c.windowHeight == 4 && c.stages.count == 2 && c.features.count == 2)
        #expect(c.stages[1].classifiers[0].nodes.count == 2 && c.stages[1].classifiers[0].leaves == [1, 2, 3])
        #expect(c.features[0].rects[1] == HaarCascade.WeightedRect(x: 0, y: 2, width: 4, height: 2, weight: 1))
    }

    @Test(arguments: [
        ("<opencv_storage><cascade><stageType>BOOST</stageType>", "unterminated"),
        ("<opencv_storage><haarcascade type_id=\"opencv-haar-classifier\"></haarcascade></opencv_storage>", "old-style"),
        ("LBP", "LBP"),
        ("0 -1 7 0.1", "names feature 7"),
        ("0 5 0 0.1", "child 5 out of range"),
        ("0 0 9 2 -1.", "outside the 4×4 window"),
        ("<tilted>1</tilted>", "tilted"),
    ])
    func rejectsMalformedCascades(broken: String, expected: String) {
        let xml: String
        switch broken {
        case "LBP": xml = Self.tiny.replacingOccurrences(of: "<featureType>HAAR", with: "<featureType>LBP")
        case "0 -1 7 0.1", "0 5 0 0.1": xml = Self.tiny.replacingOccurrences(of: "0 -1 0 0.1", with: broken)
        case "0 0 9 2 -1.": xml = Self.tiny.replacingOccurrences(of: "0 0 4 2 -1.", with: broken)
        case "<tilted>1</tilted>": xml = Self.tiny.replacingOccurrences(of: "<tilted>0</tilted>", with: broken)
        default: xml = broken
        }
        do {
            _ = try HaarCascade(xml: xml)
            Issue.record("accepted: \(broken)")
        } catch let FaceTrackingError.malformedCascade(detail) {
            #expect(detail.contains(expected), "\(detail)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aMissingCascadeSaysWhatToInstall() {
        #expect(throws: FaceTrackingError.self) { try HaarCascade.load(path: "/nonexistent/cascade.xml") }
        let message = FaceTrackingError.cascadeNotFound(searched: ["/x.xml"]).description
        #expect(message.contains("opencv-data") && message.contains("--face-cascade"))
    }

    /// The scan (integral images, nodes with their features inline) against a plain loop over
    /// pixels per window, feature and stage, on one pyramid level of a real photo: with the default
    /// cascade (single-node classifiers) and with `alt2` (two-node trees).
    @Test(.enabled(if: (try? HaarCascade.load()) != nil && LandmarkDataset.isAvailable),
          arguments: ["haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml"])
    func scanMatchesADefinitionalEvaluation(file: String) throws {
        let path = "/usr/share/opencv4/haarcascades/" + file
        guard FileManager.default.fileExists(atPath: path) else { return }
        let cascade = try HaarCascade.load(path: path)
        let image = try #require(try LandmarkDataset.load("testing_with_face_landmarks.xml").first { $0.path.hasSuffix("2008_002470.jpg") })
        // Shrink so the faces are about 26 px: the first (unscaled) level holds them.
        let gray = GrayImage(try LandmarkDataset.picture(image)).resized(width: 250, height: 166)
        let side = cascade.windowWidth
        var options = FaceDetector.Options()
        options.minimumSide = side
        options.maximumSide = side
        let fast = Set(FaceDetector(cascade: cascade, options: options).rawWindows(gray).map { "\(Int($0.x)),\(Int($0.y))" })
        var plain = Set<String>()
        for y in stride(from: 0, through: gray.height - cascade.windowHeight, by: 2) {
            for x in stride(from: 0, through: gray.width - side, by: 2) where Self.plainAccepts(cascade, gray, x, y) {
                plain.insert("\(x),\(y)")
            }
        }
        print("\(file) level 1: \(fast.count) windows accepted by the scan, \(plain.count) by the plain loop")
        #expect(!plain.isEmpty)
        #expect(fast == plain)
    }

    static func plainAccepts(_ cascade: HaarCascade, _ image: GrayImage, _ x: Int, _ y: Int) -> Bool {
        func sum(_ rx: Int, _ ry: Int, _ w: Int, _ h: Int, squared: Bool = false) -> Double {
            var total = 0.0
            for yy in (y + ry)..<(y + ry + h) {
                for xx in (x + rx)..<(x + rx + w) {
                    let v = Double(image[xx, yy])
                    total += squared ? v * v : v
                }
            }
            return total
        }
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let area = Double((ww - 2) * (wh - 2))
        let s = sum(1, 1, ww - 2, wh - 2), q = sum(1, 1, ww - 2, wh - 2, squared: true)
        let variance = area * q - s * s
        let norm = variance > 0 ? variance.squareRoot() : 1
        for stage in cascade.stages {
            var total: Float = 0
            for weak in stage.classifiers {
                var index = 0
                while true {
                    let node = weak.nodes[index]
                    let value = cascade.features[node.feature].rects.reduce(0.0) { $0 + Double($1.weight) * sum($1.x, $1.y, $1.width, $1.height) } / norm
                    let next = Float(value) < node.threshold ? node.left : node.right
                    if next <= 0 { total += weak.leaves[-next]; break }
                    index = next
                }
            }
            if total < stage.threshold { return false }
        }
        return true
    }
}
