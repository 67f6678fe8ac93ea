import Foundation
import Media
import Synth
import Testing

/// The labels in the manifest are true of the clips.
@Suite struct LabelTruthTests {
    func configuration(_ kinds: [ManipulationKind], frames: Int = 125) -> SynthConfiguration {
        var configuration = SynthConfiguration()
        configuration.kinds = kinds
        configuration.frames = frames
        configuration.noiseProbability = 0
        return configuration
    }

    /// In an offset clip the mouth follows the audio best at the labelled shift, with the
    /// right sign: positive offset = audio leads, so the audio matches the mouth earlier.
    @Test func offsetClipsAreShiftedByTheirLabel() throws {
        var checked = 0
        for index in 0..<6 {
            let clip = try ClipGenerator.make(index: index, seed: 11, configuration: configuration([.offset], frames: 250))
            let offset = try #require(clip.entry.offsetFrames)
            let mouth = SyncCheck.mouthOpening(clip.frames)
            let best = SyncCheck.bestShift(mouth: mouth, envelope: SyncCheck.envelope(clip.audio, frames: clip.entry.frames))
            let genuineBest = SyncCheck.bestShift(mouth: mouth, envelope: SyncCheck.envelope(clip.originalAudio, frames: clip.entry.frames))
            print("offset label \(offset): best shift \(best), genuine track \(genuineBest), lead \(clip.entry.visualLeadMs) ms")
            // mouth[t] matches audio[t − offset] (plus the natural visual lead of 0–1.5 frames).
            #expect(abs(best - (genuineBest - offset)) <= 1, "clip \(index)")
            #expect((best - genuineBest).signum() == -offset.signum())
            #expect(abs(genuineBest) <= 2)
            checked += 1
        }
        #expect(checked == 6)
    }

    @Test func partialLabelsCoverExactlyTheReplacedAudio() throws {
        for index in 0..<4 {
            let clip = try ClipGenerator.make(index: index, seed: 5, configuration: configuration([.partial]))
            let segment = try #require(clip.entry.segment)
            let first = segment[0] * 640, last = segment[1] * 640
            let fade = 80
            // The final peak normalisation may scale the whole track: compare up to that gain.
            let outside = clip.audio.indices.filter { $0 < first - fade || $0 >= last + fade }
            let gain = outside.reduce(0.0) { $0 + Double(clip.audio[$1] * clip.originalAudio[$1]) }
                / max(1e-12, outside.reduce(0.0) { $0 + Double(clip.originalAudio[$1] * clip.originalAudio[$1]) })
            let worst = outside.map { abs(Double(clip.audio[$0]) - gain * Double(clip.originalAudio[$0])) }.max() ?? 0
            #expect(worst < 1e-4, "outside the segment the audio is the original (max deviation \(worst))")
            let changed = (first..<last).filter { abs(clip.audio[$0] - clip.originalAudio[$0]) > 1e-3 }.count
            #expect(Double(changed) > 0.3 * Double(last - first), "the segment holds other speech")
            #expect(clip.entry.frameSync[..<segment[0]].allSatisfy { $0 == 1 })
            #expect(clip.entry.frameSync[segment[0]..<segment[1]].allSatisfy { $0 == 0 })
            #expect(clip.entry.frameSync[segment[1]...].allSatisfy { $0 == 1 })
        }
    }

    @Test func dubAudioComesFromAnotherUtterance() throws {
        for index in 0..<3 {
            let clip = try ClipGenerator.make(index: index, seed: 8, configuration: configuration([.dub]))
            let other = try #require(clip.entry.otherSpeech)
            #expect(other.text != clip.entry.speech.text || other.voice != clip.entry.speech.voice)
            let a = clip.audio.map(Double.init), b = clip.originalAudio.map(Double.init)
            let similarity = SyncCheck.correlation(a, b, shift: 0)
            #expect(abs(similarity) < 0.2, "dubbed audio is not the original (r = \(similarity))")
        }
    }

    /// The drifting soundtrack runs ahead of (or behind) the genuine one by an amount that
    /// grows through the clip: late in the clip the genuine sound of frame t is heard
    /// (rate − 1)·t frames earlier, i.e. audio leads when rate > 1.
    @Test func driftGrowsThroughTheClip() throws {
        let clip = try ClipGenerator.make(index: 0, seed: 21, configuration: configuration([.drift], frames: 250))
        let rate = try #require(clip.entry.driftRate)
        let drifting = SyncCheck.envelope(clip.audio, frames: clip.entry.frames)
        let genuine = SyncCheck.envelope(clip.originalAudio, frames: clip.entry.frames)
        func shift(_ range: Range<Int>) -> Int {
            SyncCheck.bestShift(mouth: Array(genuine[range]), envelope: Array(drifting[range]), maxShift: 12)
        }
        let early = shift(0..<60)
        let late = shift(190..<250)
        let expectedLate = -(rate - 1) * 220
        print("drift rate \(rate): genuine→drifting shift early \(early), late \(late) (expected \(String(format: "%.1f", expectedLate))), final offset label \(clip.entry.offsetFrames ?? 0)")
        #expect(abs(Double(early) + (rate - 1) * 30) <= 1.5)
        #expect(abs(Double(late) - expectedLate) <= 1.5)
        #expect(Double(clip.entry.offsetFrames ?? 0) * (rate - 1) > 0, "positive offset label = audio leads = faster audio")
        #expect(clip.entry.frameSync.first == 1 && clip.entry.frameSync.last == 0)
    }

    @Test func artifactLabelsMarkTamperedFrames() throws {
        let flicker = try ClipGenerator.make(index: 0, seed: 4, configuration: configuration([.flicker], frames: 75))
        let segment = try #require(flicker.entry.segment)
        #expect(flicker.entry.frameArtifact.enumerated().allSatisfy { ($0.offset >= segment[0] && $0.offset < segment[1]) == ($0.element == 1) })
        #expect(flicker.entry.frameSync.allSatisfy { $0 == 1 })
        let lipsync = try ClipGenerator.make(index: 0, seed: 4, configuration: configuration([.lipsync], frames: 75))
        #expect(lipsync.entry.frameArtifact.allSatisfy { $0 == 1 })
        #expect(lipsync.entry.otherSpeech != nil)
    }
}
