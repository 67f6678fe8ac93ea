import Forensics
import Foundation
import Media

/// Annotated key frames: the mouth region of the most suspicious frame of each flagged segment,
/// decoded at 4× the model's crop size, with the artifact map overlaid in red (opacity = the
/// map's probability) and a border in the evidence's colour (red = sync, amber = artifact).
enum KeyFrames {
    struct KeyFrame {
        var name: String
        var frame: Int
        var segment: SegmentFinder.Segment
        var png: Data
    }

    static func make(path: String, analysis: Analysis, region: RegionOfInterest?, cropHeight: Int, cropWidth: Int,
                     maximum: Int) throws -> [KeyFrame] {
        guard let e = analysis.explanations else { return [] }
        let chosen = analysis.segments.sorted { ($0.score, -$0.startFrame) > ($1.score, -$1.startFrame) }.prefix(maximum)
        let scale = 4
        var result: [KeyFrame] = []
        for segment in chosen.sorted(by: { $0.startFrame < $1.startFrame }) {
            let frames = segment.startFrame..<max(segment.startFrame + 1, segment.endFrame)
            let evidence: (Int) -> Float = { t in
                segment.kind == .sync ? 1 - (analysis.timelines.sync?[t] ?? 0) : (analysis.timelines.artifact?[t] ?? 0)
            }
            let frame = frames.max { evidence($0) < evidence($1) } ?? segment.startFrame
            let reader = try VideoReader(path: path, options: VideoReadOptions(
                range: TimeRange(startSeconds: Double(frame) / 25, durationSeconds: 1.0 / 25),
                region: region, regionTrack: analysis.mouth?.regions, outputSize: .init(width: cropWidth * scale, height: cropHeight * scale)))
            guard let decoded = try reader.next() else { continue }
            var image = decoded.image
            let mh = e.artifactMapHeight, mw = e.artifactMapWidth
            if mh > 0, mw > 0, e.artifactMaps.count >= (frame + 1) * mh * mw {
                let base = frame * mh * mw
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        let logit = e.artifactMaps[base + min(mh - 1, y * mh / image.height) * mw + min(mw - 1, x * mw / image.width)]
                        let alpha = 0.6 / (1 + exp(-Double(logit)))
                        let i = 3 * (y * image.width + x)
                        image.pixels[i] = UInt8(min(255, Double(image.pixels[i]) * (1 - alpha) + 255 * alpha))
                        image.pixels[i + 1] = UInt8(Double(image.pixels[i + 1]) * (1 - alpha))
                        image.pixels[i + 2] = UInt8(Double(image.pixels[i + 2]) * (1 - alpha))
                    }
                }
            }
            let border: (UInt8, UInt8, UInt8) = segment.kind == .sync ? (200, 40, 40) : (230, 150, 20)
            for y in 0..<image.height {
                for x in 0..<image.width where x < 3 || y < 3 || x >= image.width - 3 || y >= image.height - 3 {
                    let i = 3 * (y * image.width + x)
                    (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = border
                }
            }
            result.append(KeyFrame(name: String(format: "keyframes/frame-%06d.png", frame), frame: frame, segment: segment,
                                   png: try PNGWriter.encode(image)))
        }
        return result
    }
}
