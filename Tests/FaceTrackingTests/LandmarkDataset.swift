import Foundation
import Media
@testable import FaceTracking

/// dlib's example faces (Debian `libdlib19.1`): PASCAL VOC photos with face boxes and 68 landmarks
/// (iBUG 300-W scheme; 48–67 are the lips).
struct LandmarkDataset {
    struct Face {
        var box: FaceBox
        /// 68 points `(x, y)`.
        var points: [(Double, Double)]
        var lips: ArraySlice<(Double, Double)> { points[48...67] }
    }

    struct Image {
        var path: String
        var width: Int
        var height: Int
        var faces: [Face]
    }

    static let folder = "/usr/share/doc/libdlib19.1/examples/faces"

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: folder + "/testing_with_face_landmarks.xml")
    }

    static func load(_ name: String) throws -> [Image] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .isoLatin1)
        let root = try CascadeXML.parse(text)
        return (root.child("images")?.children ?? []).map { image in
            Image(path: folder + "/" + (image.attributes["file"] ?? ""),
                  width: Int(image.attributes["width"] ?? "") ?? 0, height: Int(image.attributes["height"] ?? "") ?? 0,
                  faces: image.children.filter { $0.name == "box" }.map { box in
                      func number(_ key: String) -> Double { Double(box.attributes[key] ?? "") ?? 0 }
                      let points = box.children.filter { $0.name == "part" }
                          .sorted { (Int($0.attributes["name"] ?? "") ?? 0) < (Int($1.attributes["name"] ?? "") ?? 0) }
                          .map { (Double($0.attributes["x"] ?? "") ?? 0, Double($0.attributes["y"] ?? "") ?? 0) }
                      return Face(box: FaceBox(x: number("left"), y: number("top"), width: number("width"), height: number("height")),
                                  points: points)
                  })
        }
    }

    /// The photo as decoded by FFmpeg (the same path video takes).
    static func picture(_ image: Image) throws -> RGBImage {
        guard let frame = try VideoReader(path: image.path).next() else { throw MediaError.noFramesDecoded(path: image.path, stream: "image") }
        return frame.image
    }
}
