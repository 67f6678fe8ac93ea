import Foundation
import Media
@testable import FaceTracking

/// A short video made from one of dlib's annotated photos: the photo pans and zooms across a larger
/// frame, optionally with a grey card over the face for a few frames. Ground truth (where the
/// annotated face and lips are in every frame) comes from the same transform.
struct MovingFaceVideo {
    var path: String
    var frameCount: Int
    /// Per frame: lip landmarks (48–67) in frame pixels.
    var lips: [[(x: Double, y: Double)]]
    /// Per frame: the annotated face box in frame pixels.
    var faces: [FaceBox]
    var occluded: Range<Int>

    /// - Parameters:
    ///   - offset: `(frame) -> (dx, dy)` position of the photo's top-left corner in the frame.
    ///   - zoom: `(frame) -> scale` of the photo.
    static func make(in folder: URL, photo: LandmarkDataset.Image, width: Int = 640, height: Int = 360, frames: Int = 60,
                     offset: (Int) -> (Double, Double), zoom: (Int) -> Double, occluded: Range<Int> = 0..<0,
                     name: String = "moving.mp4", cutTo other: (frame: Int, photo: LandmarkDataset.Image)? = nil) throws -> MovingFaceVideo {
        let first = try LandmarkDataset.picture(photo)
        let second = try other.map { try LandmarkDataset.picture($0.photo) }
        let face = photo.faces[0]
        let url = folder.appendingPathComponent(name)
        let writer = try MP4Writer(path: url.path, video: .init(width: width, height: height, crf: 18), audio: nil)
        var lipsPerFrame: [[(x: Double, y: Double)]] = [], faces: [FaceBox] = []
        for t in 0..<frames {
            let (dx, dy) = offset(t), s = zoom(t)
            let picture = other.map { t >= $0.frame } == true ? second! : first
            var pixels = [UInt8](repeating: 40, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let sx = Int((Double(x) - dx) / s), sy = Int((Double(y) - dy) / s)
                    guard sx >= 0, sy >= 0, sx < picture.width, sy < picture.height else { continue }
                    for c in 0..<3 { pixels[(y * width + x) * 3 + c] = picture.pixels[(sy * picture.width + sx) * 3 + c] }
                }
            }
            let box = FaceBox(x: face.box.x * s + dx, y: face.box.y * s + dy, width: face.box.width * s, height: face.box.height * s)
            if occluded.contains(t) {
                for y in max(0, Int(box.y) - 10)..<min(height, Int(box.y + box.height) + 10) {
                    for x in max(0, Int(box.x) - 10)..<min(width, Int(box.x + box.width) + 10) {
                        for c in 0..<3 { pixels[(y * width + x) * 3 + c] = 128 }
                    }
                }
            }
            try writer.append(RGBImage(width: width, height: height, pixels: pixels))
            lipsPerFrame.append(face.lips.map { (x: $0.0 * s + dx, y: $0.1 * s + dy) })
            faces.append(box)
        }
        try writer.finish()
        return MovingFaceVideo(path: url.path, frameCount: frames, lips: lipsPerFrame, faces: faces, occluded: occluded)
    }
}
