import Foundation
import Synth
import Testing

@Suite struct SpeechTests {
    @Test func phonemesAreTimedInsideTheAudio() throws {
        let utterance = try SpeechSynthesizer.speak("Bob, move the fish away.", voice: VoiceSettings())
        #expect(utterance.sampleRate == 22_050)
        #expect(utterance.duration > 1 && utterance.duration < 3)
        let symbols = utterance.phonemes.map(\.symbol).filter { !$0.isEmpty }
        #expect(symbols.prefix(2) == ["b", "ɑː"])
        #expect(symbols.contains("ʃ") && symbols.contains("v") && symbols.contains("ð"))
        for (a, b) in zip(utterance.phonemes, utterance.phonemes.dropFirst()) {
            #expect(a.start < a.end && a.end <= b.start + 1e-9)
        }
        #expect(utterance.phonemes.last!.end <= utterance.duration + 1e-9)
    }

    @Test func fasterSpeechIsShorter() throws {
        let slow = try SpeechSynthesizer.speak("The quick brown fox jumps over the lazy dog.", voice: VoiceSettings(rate: 120))
        let fast = try SpeechSynthesizer.speak("The quick brown fox jumps over the lazy dog.", voice: VoiceSettings(rate: 220))
        #expect(fast.duration < slow.duration * 0.75)
    }

    @Test func unknownVoiceIsAClearError() {
        #expect(throws: SynthesisError.unknownVoice("xx-nonexistent")) {
            try SpeechSynthesizer.speak("hello", voice: VoiceSettings(name: "xx-nonexistent"))
        }
    }

    /// Every phoneme espeak-ng produces for the sentence generator has a viseme in the table.
    @Test func visemeTableCoversGeneratedSpeech() throws {
        var random = SeededRandom(seed: 3)
        var symbols = Set<String>()
        for _ in 0..<25 {
            let utterance = try SpeechSynthesizer.speak(SentenceGenerator.sentence(using: &random), voice: VoiceSettings())
            symbols.formUnion(utterance.phonemes.map(\.symbol).filter { !$0.isEmpty })
        }
        let unmapped = symbols.filter { !Viseme.mapsExactly($0) }.sorted()
        print("distinct phonemes: \(symbols.count); unmapped: \(unmapped)")
        #expect(unmapped.isEmpty)
        #expect(symbols.count >= 35)
    }
}
