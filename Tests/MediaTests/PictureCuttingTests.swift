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
}
