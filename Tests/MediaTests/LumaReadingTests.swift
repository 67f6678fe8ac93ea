import Foundation
import Media
import Testing

/// `VideoReader.nextLuma()` against the RGB path.
@Suite struct LumaReadingTests {
    @Test(arguments: [0, 90, 180, 270])
    func lumaMatchesTheRGBPicturesLuminance(rotation: Int) throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("luma.mp4"), width: 64, height: 32, frames: 4,
                                          rotation: rotation, audio: nil, levels: { UInt8(30 + 40 * $0) }, marker: true)
        let size = VideoReadOptions.Size(width: 24, height: 40)
        let rgb = try VideoReader(path: url.path, options: VideoReadOptions(outputSize: size)).readAll()
        let lumaReader = try VideoReader(path: url.path, options: VideoReadOptions(outputSize: size))
        var luma: [LumaFrame] = []
        while let frame = try lumaReader.nextLuma() { luma.append(frame) }
        #expect(luma.map(\.index) == rgb.map(\.index))
        var largest = 0
        for (a, b) in zip(rgb, luma) {
            #expect(b.image.width == a.image.width && b.image.height == a.image.height)
            for p in 0..<(a.image.width * a.image.height) {
                let r = Int(a.image.pixels[3 * p]), g = Int(a.image.pixels[3 * p + 1]), bl = Int(a.image.pixels[3 * p + 2])
                let y = (77 * r + 150 * g + 29 * bl + 128) >> 8
                largest = max(largest, abs(y - Int(b.image.pixels[p])))
            }
        }
        print("rotation \(rotation): largest |BT.601 luma of RGB − luma| = \(largest)")
        // Same pixels, two conversions (chroma is subsampled in the RGB one): a few levels apart.
        #expect(largest <= 6)
    }
}
