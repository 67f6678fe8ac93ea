import Foundation
import Media
import Testing

@Suite struct OrientationAndRegionTests {
    @Test(arguments: [90, 180, 270])
    func rotationMetadataIsHonoured(rotation: Int) throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("rot.mp4"), width: 64, height: 32, frames: 5,
                                          rotation: rotation, audio: nil, levels: { _ in 40 }, marker: true)
        let info = try MediaProbe.probe(url.path)
        #expect(info.video?.rotationDegrees == rotation)
        let frame = try #require(try VideoReader(path: url.path).next())
        let swaps = rotation != 180
        #expect(frame.image.width == (swaps ? 32 : 64))
        #expect(frame.image.height == (swaps ? 64 : 32))
        #expect(info.video?.displayWidth == frame.image.width)
        // The stored top-left marker moves with the rotation.
        let w = frame.image.width, h = frame.image.height
        let corner: (Int, Int) = switch rotation {
        case 90: (w - 4, 4)
        case 180: (w - 4, h - 4)
        default: (4, h - 4)
        }
        #expect(frame.image[corner.0, corner.1].r > 200, "marker expected near \(corner)")
        #expect(frame.image[w / 2, h / 2].r < 80)

        // The ffmpeg CLI (autorotate on) is the reference for what a player shows.
        let folderPath = folder.appendingPathComponent("ref.rgb").path
        try TestMedia.ffmpeg(["-i", url.path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", folderPath])
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folderPath)))
        #expect(reference.count == frame.image.pixels.count)
        if reference.count == frame.image.pixels.count {
            let differing = zip(reference, frame.image.pixels).filter { abs(Int($0) - Int($1)) > 40 }.count
            #expect(differing < reference.count / 50, "our rotation matches ffmpeg's autorotate")
        }
    }

    @Test func regionIsCroppedAndScaled() throws {
        let folder = try TestMedia.folder()
        let path = folder.appendingPathComponent("roi.mp4").path
        let writer = try MP4Writer(path: path, video: MP4Writer.Video(width: 128, height: 96, crf: 5, preset: "ultrafast"), audio: nil)
        var image = RGBImage(width: 128, height: 96, red: 20, green: 20, blue: 20)
        for y in 30..<60 { for x in 40..<70 { let i = (y * 128 + x) * 3; image.pixels[i] = 230 } }
        for _ in 0..<3 { try writer.append(image) }
        try writer.finish()
        let region = RegionOfInterest(x: 44, y: 34, width: 22, height: 22)
        let options = VideoReadOptions(region: region, outputSize: .init(width: 16, height: 16))
        let frame = try #require(try VideoReader(path: path, options: options).next())
        #expect(frame.image.width == 16 && frame.image.height == 16)
        for y in 0..<16 { for x in 0..<16 { #expect(frame.image[x, y].r > 180) } }
    }

    @Test func regionOnRotatedVideoUsesDisplayedCoordinates() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("rot.mp4"), width: 64, height: 32, frames: 2,
                                          rotation: 90, audio: nil, levels: { _ in 40 }, marker: true)
        // Displayed 32×64: the marker sits at the top-right.
        let options = VideoReadOptions(region: RegionOfInterest(x: 24, y: 0, width: 8, height: 8))
        let frame = try #require(try VideoReader(path: url.path, options: options).next())
        #expect(TestMedia.meanLevel(frame.image) > 200)
    }

    @Test func regionOutsideFrameIsAClearError() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("c.mp4"), frames: 2, audio: nil)
        let options = VideoReadOptions(region: RegionOfInterest(x: 60, y: 0, width: 20, height: 20))
        #expect(throws: MediaError.regionOutsideFrame(region: RegionOfInterest(x: 60, y: 0, width: 20, height: 20), frameWidth: 64, frameHeight: 48)) {
            _ = try VideoReader(path: url.path, options: options).next()
        }
    }

    @Test func regionTextParses() throws {
        #expect(try RegionOfInterest(parsing: "1, 2,30,40") == RegionOfInterest(x: 1, y: 2, width: 30, height: 40))
        for bad in ["", "1,2,3", "a,b,c,d", "1,2,0,4", "-1,2,3,4", "1,2,3,4,5"] {
            #expect(throws: MediaError.self) { try RegionOfInterest(parsing: bad) }
        }
    }
}
