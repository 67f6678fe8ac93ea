@testable import Forensics
import Foundation
import Media
import Testing

@Suite struct ModelFreeCueTests {
    /// A 32×32 grey crop whose central 16×16 region has `rows` dark rows.
    static func crop(darkRows rows: Int) -> RGBImage {
        var image = RGBImage(width: 32, height: 32, red: 150, green: 150, blue: 150)
        for y in 8..<(8 + rows) {
            for x in 8..<24 {
                let i = (y * 32 + x) * 3
                image.pixels[i] = 20; image.pixels[i + 1] = 20; image.pixels[i + 2] = 20
            }
        }
        return image
    }

    @Test func mouthOpeningCountsDarkCentre() {
        #expect(ModelFreeCue.mouthOpening(Self.crop(darkRows: 0)) == 0)
        #expect(ModelFreeCue.mouthOpening(Self.crop(darkRows: 8)) == 0.5)
        #expect(ModelFreeCue.mouthOpening(Self.crop(darkRows: 16)) == 1)
        #expect(ModelFreeCue.mouthOpening(RGBImage(width: 0, height: 0, pixels: [])) == 0)
    }

    @Test func envelopeFollowsVoicedBandOnly() {
        let n = 640 * 10
        let low = (0..<n).map { Float(0.5 * sin(2 * Double.pi * 200 * Double($0) / 16000)) }
        let high = (0..<n).map { Float(0.5 * sin(2 * Double.pi * 5000 * Double($0) / 16000)) }
        let el = ModelFreeCue.audioEnvelope(samples: low), eh = ModelFreeCue.audioEnvelope(samples: high)
        #expect(el.count == 10 && eh.count == 10)
        #expect(el[5] > eh[5] + 2) // 5 kHz is attenuated by well over e² in RMS
        #expect(ModelFreeCue.audioEnvelope(samples: []).isEmpty)
    }

    /// Audio leads by k: the envelope at frame t follows the mouth at t + k.
    @Test(arguments: [-4, 0, 3])
    func findsShiftWithOffsetSign(k: Int) throws {
        let t = 100
        var g = TestRandom(seed: 21)
        let open = (0..<(t + 20)).map { _ in Int((g.float() + 1) * 8) } // 0…15 dark rows
        let mouth = (0..<t).map { ModelFreeCue.mouthOpening(Self.crop(darkRows: open[$0 + 10])) }
        var samples = [Float](repeating: 0, count: t * 640)
        for f in 0..<t {
            let amplitude = 0.02 + 0.03 * Double(open[f + 10 + k])
            for i in 0..<640 {
                let n = f * 640 + i
                samples[n] = Float(amplitude * sin(2 * Double.pi * 200 * Double(n) / 16000))
            }
        }
        let envelope = ModelFreeCue.audioEnvelope(samples: samples)
        let r = try ModelFreeCue.correlate(mouth: mouth, envelope: envelope)
        #expect(r.bestShiftFrames == k)
        #expect(r.bestShiftMilliseconds == Double(40 * k))
        #expect(r.correlation > 0.8)
        #expect(r.offsetConvention == "positive = audio leads video")
    }

    @Test func tooShortThrowsConstantIsZero() throws {
        #expect(throws: ForensicsError.self) { try ModelFreeCue.correlate(mouth: [1, 2], envelope: [1, 2]) }
        let r = try ModelFreeCue.correlate(mouth: [Float](repeating: 1, count: 30), envelope: (0..<30).map(Float.init))
        #expect(r.correlation == 0 && r.bestShiftFrames == 0)
    }
}
