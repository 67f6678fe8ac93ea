import Foundation
import Media
import Synth
import Testing

@Suite struct RendererTests {
    /// Renders every viseme for several appearances; writes a contact sheet when
    /// SYNCDEFENSE_SHEET names a path (for looking at the renderer).
    @Test func visemesChangeTheMouth() throws {
        var random = SeededRandom(seed: 7)
        var images: [RGBImage] = []
        var openings: [Viseme: Double] = [:]
        for faceIndex in 0..<4 {
            let appearance = FaceAppearance.random(using: &random)
            let renderer = MouthRenderer(size: 128, appearance: appearance)
            for viseme in Viseme.allCases {
                var noise = SeededRandom(seed: 1)
                let image = renderer.render(pose: viseme.target, at: 0, noise: &noise)
                images.append(image)
                if faceIndex == 0 { openings[viseme] = darkFraction(image) }
            }
        }
        if let path = ProcessInfo.processInfo.environment["SYNCDEFENSE_SHEET"] {
            try PNGWriter.write(PNGWriter.contactSheet(images, columns: Viseme.allCases.count), to: URL(fileURLWithPath: path))
        }
        #expect(openings[.openVowel]! > openings[.midVowel]!)
        #expect(openings[.midVowel]! > openings[.bilabial]!)
        #expect(openings[.bilabial]! < 0.01)
    }

    /// Fraction of dark pixels in the image centre: a rough mouth-opening measure.
    func darkFraction(_ image: RGBImage) -> Double {
        var dark = 0, total = 0
        for y in 32..<96 { for x in 32..<96 {
            let p = image[x, y]
            if Int(p.r) + Int(p.g) + Int(p.b) < 150 { dark += 1 }
            total += 1
        } }
        return Double(dark) / Double(total)
    }
}
