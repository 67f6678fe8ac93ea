import Foundation
import Media
import Testing

/// `VideoReader.nextPicture()` + `PictureCutter` against the reader's own conversion.
@Suite struct PictureCuttingTests {
    @Test(arguments: [0, 90, 180, 270])
    func aCutPictureIsTheReadersOwnFrame(rotation: Int) throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("cut.mp4"), width: 64, height: 32, frames: 4,
                                          rotation: rotation, audio: nil, levels: { UInt8(30 + 40 * $0) }, marker: true)
        let swaps = rotation == 90 || rotation == 270
        let region = swaps ? RegionOfInterest(x: 4, y: 10, width: 20, height: 30) : RegionOfInterest(x: 10, y: 4, width: 30, height: 20)
        let size = VideoReadOptions.Size(width: 12, height: 8)
        let expected = try VideoReader(path: url.path, options: VideoReadOptions(region: region, outputSize: size)).readAll()
        let whole = try VideoReader(path: url.path, options: VideoReadOptions(outputSize: VideoReadOptions.Size(width: 20, height: 16))).readAll()
        let reader = try VideoReader(path: url.path)
        let cutter = try PictureCutter(outputSize: size)
        let thumbnails = try PictureCutter(outputSize: VideoReadOptions.Size(width: 20, height: 16))
        var pictures: [PictureFrame] = []
        while let frame = try reader.nextPicture() { pictures.append(frame) }
        #expect(pictures.map(\.index) == expected.map(\.index))
        #expect(pictures.count == 4)
        for (k, frame) in pictures.enumerated() {
            #expect(frame.picture.displayWidth == (swaps ? 32 : 64) && frame.picture.displayHeight == (swaps ? 64 : 32))
            #expect(try cutter.rgb(frame.picture, region: region) == expected[k].image)
            // Cut again after another size was cut from it: the picture is unchanged.
            #expect(try thumbnails.rgb(frame.picture, region: nil) == whole[k].image)
            #expect(try cutter.rgb(frame.picture, region: region) == expected[k].image)
        }
        #expect(throws: MediaError.self) { try cutter.rgb(pictures[0].picture, region: RegionOfInterest(x: 60, y: 0, width: 30, height: 30)) }
        // An output size outside 1…4096 pixels is refused by the cutter and the reader alike.
        #expect(throws: MediaError.self) { try PictureCutter(outputSize: VideoReadOptions.Size(width: 0, height: 8)) }
        #expect(throws: MediaError.self) {
            try VideoReader(path: url.path, options: VideoReadOptions(outputSize: VideoReadOptions.Size(width: 8, height: 5000)))
        }
    }

    /// A 10 fps source on the 25 fps timeline repeats each picture 2–3 times: repeats share one
    /// decoded picture, and each keeps its own after the reader moved on.
    @Test func repeatedFramesShareOnePictureAndPicturesOutliveTheReader() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("slow.mp4"), width: 32, height: 32, frames: 5, frameRate: (10, 1),
                                          rotation: 0, audio: nil, levels: { UInt8(20 + 50 * $0) }, marker: false)
        var pictures: [PictureFrame] = []
        do {
            let reader = try VideoReader(path: url.path)
            while let frame = try reader.nextPicture() { pictures.append(frame) }
        }
        let expected = try VideoReader(path: url.path).readAll()
        #expect(pictures.count == expected.count && pictures.count >= 12)
        let distinct = Set(pictures.map { ObjectIdentifier($0.picture) })
        #expect(distinct.count == 5)
        let cutter = try PictureCutter(outputSize: nil)
        for (frame, reference) in zip(pictures, expected) {
            #expect(try cutter.rgb(frame.picture, region: nil) == reference.image)
        }
    }

    /// The thumbnail and the motion measure read from the luma plane, against plain loops over
    /// the reader's own full-size luminance (swscale's full-range GRAY8) in displayed orientation.
    @Test(arguments: [0, 90, 180, 270])
    func lumaPlaneMeasuresMatchPlainLoopsOverTheReadersLuminance(rotation: Int) throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("plane.mp4"), width: 64, height: 32, frames: 3,
                                          rotation: rotation, audio: nil, levels: { UInt8(40 + 60 * $0) }, marker: true)
        let reader = try VideoReader(path: url.path)
        var pictures: [DecodedPicture] = []
        while let frame = try reader.nextPicture() { pictures.append(frame.picture) }
        let lumaReader = try VideoReader(path: url.path)
        var lumas: [LumaImage] = []
        while let frame = try lumaReader.nextLuma() { lumas.append(frame.image) }
        #expect(pictures.count == 3 && lumas.count == 3)
        let (w, h) = (lumas[0].width, lumas[0].height)
        #expect(pictures[0].displayWidth == w && pictures[0].displayHeight == h)
        for (picture, luma) in zip(pictures, lumas) {
            let thumbnail = try picture.thumbnail(width: 4, height: 2, step: 1)
            for ty in 0..<2 {
                for tx in 0..<4 {
                    var sum = 0
                    for y in (ty * h / 2)..<((ty + 1) * h / 2) { for x in (tx * w / 4)..<((tx + 1) * w / 4) { sum += Int(luma.pixels[y * w + x]) } }
                    let expected = sum / (w / 4 * h / 2)
                    // Two roundings of the TV-range mapping: within 2 levels.
                    #expect(abs(Int(thumbnail.pixels[ty * 4 + tx]) - expected) <= 2, "cell \(tx),\(ty)")
                }
            }
        }
        // Motion over a box: the points (x0 + (i + ½)·2, y0 + (j + ½)·2).
        let (x0, y0, x1, y1) = (3.0, 5.0, Double(w) - 6, Double(h) - 4)
        let measured = try pictures[1].meanAbsoluteDifference(from: pictures[0], x0: x0, y0: y0, x1: x1, y1: y1, spacing: 2)
        var total = 0, count = 0
        var y = y0 + 1
        while y < y1 {
            var x = x0 + 1
            while x < x1 {
                total += abs(Int(lumas[1].pixels[Int(y) * w + Int(x)]) - Int(lumas[0].pixels[Int(y) * w + Int(x)]))
                count += 1
                x += 2
            }
            y += 2
        }
        let expected = Float(total) / Float(count) / 255
        print("rotation \(rotation): motion \(measured), plain loop \(expected)")
        #expect(expected > 0.1 && abs(measured - expected) < 0.01)
        #expect(try pictures[1].meanAbsoluteDifference(from: pictures[1], x0: x0, y0: y0, x1: x1, y1: y1, spacing: 2) == 0)
    }
}
