import Testing
@testable import Synth

@Suite("Speaker split")
struct SpeakerSplitTests {
    @Test("training and held-out voices are disjoint and together make every voice")
    func voicesPartition() {
        let training = Set(SpeakerSplit.training.voices(ClipGenerator.voices))
        let heldout = Set(SpeakerSplit.heldout.voices(ClipGenerator.voices))
        #expect(training.isDisjoint(with: heldout))
        #expect(training.union(heldout) == Set(ClipGenerator.voices))
        #expect(!training.isEmpty && !heldout.isEmpty)
        #expect(SpeakerSplit.all.voices(ClipGenerator.voices) == ClipGenerator.voices)
        #expect(SpeakerSplit.training.allows(package: "asterisk-core-sounds-en-wav"))
        #expect(!SpeakerSplit.training.allows(package: "pocketsphinx-testdata"))
        #expect(SpeakerSplit.heldout.allows(package: "pocketsphinx-testdata"))
        #expect(!SpeakerSplit.heldout.allows(package: "asterisk-core-sounds-en-wav"))
    }

    @Test("held-out clips speak only with held-out voices and recordings")
    func heldoutClipsUseHeldoutSpeakers() throws {
        var settings = SynthConfiguration()
        settings.kinds = [.dub]
        settings.frames = 50
        settings.noiseProbability = 0
        settings.recordedSpeechFraction = 0.5
        settings.speakers = .heldout
        for index in 0..<6 {
            let entry = try ClipGenerator.make(index: index, seed: 21, configuration: settings).entry
            for speech in [entry.speech] + (entry.otherSpeech.map { [$0] } ?? []) {
                if speech.source == "recorded" {
                    #expect(speech.voice.name == "pocketsphinx-testdata")
                } else {
                    let base = String(speech.voice.name.split(separator: "+").first ?? "")
                    #expect(SpeakerSplit.heldoutVoices.contains(base), "voice \(speech.voice.name)")
                }
            }
        }
    }
}
