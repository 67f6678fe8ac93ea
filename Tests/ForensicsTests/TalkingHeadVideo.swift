import Foundation
import Media

/// An ordinary (not mouth-centred) talking-head video for the face-tracking path: one of dlib's
/// annotated photos (Debian `libdlib19.1`, six faces) fills a 640×360 frame and drifts slowly;
/// a mouth-centred sample clip is pasted, frame by frame with a feathered edge, over the first
/// face's annotated lips, at the scale the synthetic corpus frames mouths (mouth width = 0.56 of
/// the crop). The sample's audio is the video's audio, so that face is the one speaking.
struct TalkingHeadVideo {
    static let photoFolder = "/usr/share/doc/libdlib19.1/examples/faces"
    static let photoName = "2008_002470.jpg"
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: photoFolder + "/" + photoName) }

    var path: String
    /// Per frame: where the pasted mouth's centre is, frame pixels.
    var mouthCentres: [(x: Double, y: Double)]
    /// Side of the pasted mouth crop, pixels.
    var pasteSide: Double

    /// The first annotated face of the photo: lip landmarks 48–67.
    static func lips() throws -> [(x: Double, y: Double)] {
        let xml = try String(contentsOfFile: photoFolder + "/testing_with_face_landmarks.xml", encoding: .isoLatin1)
        guard let image = xml.range(of: "file='\(photoName)'"), let box = xml.range(of: "<box", range: image.upperBound..<xml.endIndex),
              let end = xml.range(of: "</box>", range: box.upperBound..<xml.endIndex) else { throw CocoaError(.fileReadCorruptFile) }
        let text = String(xml[box.upperBound..<end.lowerBound])
        let regex = try NSRegularExpression(pattern: "name='(\\d+)' x='(\\d+)' y='(\\d+)'")
        var points: [Int: (Double, Double)] = [:]
        for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            func group(_ i: Int) -> String { String(text[Range(m.range(at: i), in: text)!]) }
            points[Int(group(1))!] = (Double(group(2))!, Double(group(3))!)
        }
        return (48...67).map { (x: points[$0]!.0, y: points[$0]!.1) }
    }

    /// - Parameter frameScale: the frame is 640×360 times this, and the picture in it scaled alike.
    static func make(from sample: String, to path: String, zoom: Double = 2.5, frameScale: Double = 1) throws -> TalkingHeadVideo {
        let zoom = zoom * frameScale
        guard let photoFrame = try VideoReader(path: photoFolder + "/" + photoName).next() else { throw MediaError.noFramesDecoded(path: photoName, stream: "image") }
        let photo = photoFrame.image
        let lips = try lips()
        let lipX = lips.map(\.x).reduce(0, +) / 20, lipY = lips.map(\.y).reduce(0, +) / 20
        let mouthWidth = ((lips[6].x - lips[0].x) * (lips[6].x - lips[0].x) + (lips[6].y - lips[0].y) * (lips[6].y - lips[0].y)).squareRoot()
        let side = mouthWidth * zoom / 0.56
        let mouths = try VideoReader(path: sample).readAll().map(\.image)
        let audio = try AudioReader(path: sample).readAll()
        let width = Int(320 * frameScale) * 2, height = Int(180 * frameScale) * 2
        let writer = try MP4Writer(path: path, video: .init(width: width, height: height, crf: 20), audio: .init())
        var centres: [(x: Double, y: Double)] = []
        for (t, mouth) in mouths.enumerated() {
            // The photo point (lipX, lipY) lands at (260 + t/2, 200 − t/5): a slow drift.
            let cx = (260 + Double(t) * 0.5) * frameScale, cy = (200 - Double(t) * 0.2) * frameScale
            let dx = cx - lipX * zoom, dy = cy - lipY * zoom
            var pixels = [UInt8](repeating: 30, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let sx = Int((Double(x) - dx) / zoom), sy = Int((Double(y) - dy) / zoom)
                    guard sx >= 0, sy >= 0, sx < photo.width, sy < photo.height else { continue }
                    var rgb = (0..<3).map { Double(photo.pixels[(sy * photo.width + sx) * 3 + $0]) }
                    // Paste the mouth crop, feathered towards its edge.
                    let u = (Double(x) - cx) / side + 0.5, v = (Double(y) - cy) / side + 0.5
                    if u >= 0, u < 1, v >= 0, v < 1 {
                        let edge = min(u, 1 - u, v, 1 - v)
                        let alpha = min(1, edge / 0.15)
                        let mx = min(mouth.width - 1, Int(u * Double(mouth.width))), my = min(mouth.height - 1, Int(v * Double(mouth.height)))
                        for c in 0..<3 { rgb[c] = rgb[c] * (1 - alpha) + Double(mouth.pixels[(my * mouth.width + mx) * 3 + c]) * alpha }
                    }
                    for c in 0..<3 { pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, rgb[c].rounded()))) }
                }
            }
            try writer.append(RGBImage(width: width, height: height, pixels: pixels))
            centres.append((cx, cy))
        }
        try writer.append(audio: audio)
        try writer.finish()
        return TalkingHeadVideo(path: path, mouthCentres: centres, pasteSide: side)
    }
}
