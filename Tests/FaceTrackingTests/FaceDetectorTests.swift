import Foundation
import Media
import Testing
@testable import FaceTracking

@Suite struct FaceDetectorTests {
    static let cascadeAvailable = (try? HaarCascade.load()) != nil

    @Test(.enabled(if: cascadeAvailable && LandmarkDataset.isAvailable))
    func findsTheAnnotatedFacesOfDlibsTestPhotos() throws {
        let detector = FaceDetector(cascade: try HaarCascade.load())
        var found = 0, annotated = 0, falsePositives = 0
        for image in try LandmarkDataset.load("testing_with_face_landmarks.xml") {
            let gray = GrayImage(try LandmarkDataset.picture(image))
            let detections = detector.detect(gray)
            var used = Set<Int>()
            for face in image.faces {
                annotated += 1
                if let match = detections.indices.first(where: { i in
                    !used.contains(i) && face.box.contains(x: detections[i].box.centreX, y: detections[i].box.centreY)
                        && (0.6...2.2).contains(detections[i].box.width / face.box.width)
                }) {
                    used.insert(match)
                    found += 1
                }
            }
            falsePositives += detections.count - used.count
        }
        print("dlib test photos: found \(found) of \(annotated) annotated faces, \(falsePositives) other detections")
        #expect(Double(found) >= 0.8 * Double(annotated))
    }
}
