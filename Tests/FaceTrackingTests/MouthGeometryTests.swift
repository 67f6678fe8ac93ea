import Foundation
import Media
import Testing
@testable import FaceTracking

@Suite struct MouthGeometryTests {
    static let available = (try? HaarCascade.load()) != nil && LandmarkDataset.isAvailable

    /// Detected boxes matched to annotated faces, with the lips.
    static func matchedFaces(_ file: String) throws -> [(box: FaceBox, lips: [(x: Double, y: Double)])] {
        let detector = FaceDetector(cascade: try HaarCascade.load())
        var samples: [(box: FaceBox, lips: [(x: Double, y: Double)])] = []
        for image in try LandmarkDataset.load(file) {
            let detections = detector.detect(GrayImage(try LandmarkDataset.picture(image)))
            for face in image.faces where face.points.count == 68 {
                if let match = detections.first(where: {
                    face.box.contains(x: $0.box.centreX, y: $0.box.centreY) && (0.6...2.2).contains($0.box.width / face.box.width)
                }) {
                    samples.append((match.box, face.lips.map { (x: $0.0, y: $0.1) }))
                }
            }
        }
        return samples
    }

    @Test(.enabled(if: available))
    func mouthGeometryMatchesTheMeasurement() throws {
        let samples = try Self.matchedFaces("training_with_face_landmarks.xml")
        let measured = MouthGeometry.measure(samples)
        print(String(format: "mouth geometry over %d training faces: centre (%.3f, %.3f) of the box, width %.3f of the box",
                     samples.count, measured.centreX, measured.centreY, measured.width))
        #expect(samples.count >= 12)
        let shipped = MouthGeometry.frontalFace
        #expect(abs(measured.centreX - shipped.centreX) < 0.01)
        #expect(abs(measured.centreY - shipped.centreY) < 0.01)
        #expect(abs(measured.width - shipped.width) < 0.01)
    }

    @Test(.enabled(if: available))
    func mouthCropsContainTheAnnotatedLipsOfTheTestPhotos() throws {
        let samples = try Self.matchedFaces("testing_with_face_landmarks.xml")
        var contained = 0, coverage = 0.0
        for (box, lips) in samples {
            let crop = MouthGeometry.frontalFace.mouthBox(for: box)
            if lips.allSatisfy({ crop.contains(x: $0.x, y: $0.y) }) { contained += 1 }
            let mouthWidth = ((lips[6].x - lips[0].x) * (lips[6].x - lips[0].x) + (lips[6].y - lips[0].y) * (lips[6].y - lips[0].y)).squareRoot()
            coverage += mouthWidth / crop.width
        }
        print(String(format: "test photos: lips inside the mouth crop for %d of %d faces; mouth spans %.2f of the crop (corpus: 0.56)",
                     contained, samples.count, coverage / Double(samples.count)))
        #expect(samples.count >= 20)
        #expect(contained == samples.count)
    }

    @Test func mouthBoxIsASquareCentredWhereTheGeometrySays() {
        let g = MouthGeometry(centreX: 0.5, centreY: 0.8, width: 0.4, mouthToCrop: 0.5)
        let box = g.mouthBox(for: FaceBox(x: 100, y: 50, width: 200, height: 220))
        #expect(box.width == 160 && box.height == 160)
        #expect(abs(box.centreX - 200) < 1e-9 && abs(box.centreY - 226) < 1e-9)
    }
}
