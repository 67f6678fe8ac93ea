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

extension FaceDetectorTests {
    /// The search around known faces must be the whole-frame search cut down, window for window:
    /// that is what lets the tracking pass search whole frames only now and then.
    @Test(.enabled(if: cascadeAvailable && LandmarkDataset.isAvailable))
    func searchingAroundFacesFindsExactlyTheWholeFramesWindowsThere() throws {
        let detector = FaceDetector(cascade: try HaarCascade.load())
        var compared = 0
        var worst = 0.0
        defer { print("local search: largest box difference from the whole-frame search \(worst) px") }
        for image in try LandmarkDataset.load("testing_with_face_landmarks.xml").prefix(2) {
            let gray = GrayImage(try LandmarkDataset.picture(image))
            let everywhere = detector.rawWindows(gray)
            let whole = detector.detect(gray)
            // One area per face found (as the tracking pass searches next), plus one overlapping the
            // first (a window in both counts once).
            var areas = whole.map { FaceDetector.SearchArea.around($0.box) }
            if let first = areas.first {
                let moved = FaceBox(x: first.box.x + first.box.width / 3, y: first.box.y, width: first.box.width, height: first.box.height)
                areas.append(FaceDetector.SearchArea(box: moved, minimumSide: first.minimumSide, maximumSide: first.maximumSide))
            }
            let expected = everywhere.filter { w in
                areas.contains { a in
                    w.x >= a.box.x - 1e-6 && w.y >= a.box.y - 1e-6 && w.x + w.width <= a.box.x + a.box.width + 1e-6
                        && w.y + w.height <= a.box.y + a.box.height + 1e-6 && w.width >= a.minimumSide - 1e-6 && w.width <= a.maximumSide + 1e-6
                }
            }
            let local = detector.rawWindows(gray, within: areas)
            #expect(Set(local) == Set(expected))
            #expect(local.count == expected.count, "a window counted twice")
            // Each whole-frame face is found again when searched around, its box within 2 px: a group can
            // chain windows across more sizes than the area holds, so its mean may move by a pixel.
            let localFaces = detector.detect(gray, within: areas).map(\.box)
            for face in whole {
                let nearest = localFaces.map { b in max(abs(b.x - face.box.x), abs(b.y - face.box.y), abs(b.width - face.box.width)) }.min() ?? .infinity
                worst = max(worst, nearest)
                #expect(nearest <= 2, "face \(face.box): nearest local box \(nearest) px away")
            }
            compared += expected.count
        }
        #expect(compared > 20, "too few windows compared (\(compared)) to mean anything")
    }
}

extension FaceDetectorTests {
    @Test(.enabled(if: cascadeAvailable && LandmarkDataset.isAvailable))
    func searchingLargerFacesOnlyMatchesADetectorBuiltForThem() throws {
        let cascade = try HaarCascade.load()
        let detector = FaceDetector(cascade: cascade)
        #expect(detector.searching(atLeast: 10).options == detector.options)
        let wider = detector.searching(atLeast: 40)
        var options = FaceDetector.Options()
        options.minimumSide = 40
        #expect(wider.options == options)
        let image = try #require(try LandmarkDataset.load("testing_with_face_landmarks.xml").first)
        let gray = GrayImage(try LandmarkDataset.picture(image))
        let found = wider.detect(gray).map(\.box), reference = FaceDetector(cascade: cascade, options: options).detect(gray).map(\.box)
        #expect(found == reference)
        #expect(found.allSatisfy { $0.width >= 40 })
    }
}
