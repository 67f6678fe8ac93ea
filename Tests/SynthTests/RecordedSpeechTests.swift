import Foundation
import Media
import Synth
import Testing

/// Recorded speech (Debian's asterisk-core-sounds-en-wav and pocketsphinx-testdata) with the
/// committed pocketsphinx alignment. Tests that need the recordings are skipped, with the
/// reason, only where the packages are not installed (scripts/install-deps.sh installs them).
@Suite struct RecordedSpeechTests {
    static let installed = RecordedSpeech.inventory.available
    static let skipReason: Comment = "recorded speech not installed (\(RecordedSpeech.inventory.reason ?? "")): run scripts/install-deps.sh"

    func configuration(kinds: [ManipulationKind], fraction: Double = 1) -> SynthConfiguration {
        var configuration = SynthConfiguration()
        configuration.kinds = kinds
        configuration.frames = 50
        configuration.size = 64
        configuration.preset = "ultrafast"
        configuration.noiseProbability = 0
        configuration.recordedSpeechFraction = fraction
        return configuration
    }

    @Test func alignmentResourceLoads() throws {
        let alignment = try PhoneAlignment.bundled()
        #expect(alignment.format == 1)
        #expect(alignment.tool.contains("pocketsphinx"))
        #expect(alignment.utterances.count > 200)
        #expect(Set(alignment.utterances.map(\.package)) == ["asterisk-core-sounds-en-wav", "pocketsphinx-testdata"])
        var disordered = 0
        for utterance in alignment.utterances {
            #expect(utterance.sha256.count == 64)
            #expect(utterance.duration >= 1.5)
            var previous = 0.0
            for phone in utterance.phones {
                if phone.start < previous - 1e-9 || phone.end <= phone.start || phone.end > utterance.duration + 0.02 { disordered += 1 }
                previous = phone.end
            }
        }
        #expect(disordered == 0, "phones out of order or outside their file")
    }

    /// Every ARPAbet phone in the alignment maps to a viseme without a fallback guess;
    /// the only non-speech phone is SIL.
    @Test func everyAlignedPhoneMapsToAViseme() throws {
        let names = Set(try PhoneAlignment.bundled().utterances.flatMap { $0.phones.map(\.name) })
        let unknown = names.filter { !ARPAbet.isSpeech($0) && $0 != "SIL" }.sorted()
        #expect(unknown.isEmpty, "phones with no IPA: \(unknown)")
        let inexact = names.filter(ARPAbet.isSpeech).filter { !Viseme.mapsExactly(ARPAbet.ipa($0)) }.sorted()
        #expect(inexact.isEmpty, "phones needing a fallback viseme: \(inexact)")
        #expect(names.filter(ARPAbet.isSpeech).count >= 38)
        // Every entry of the table is exact too, and diphthongs and affricates give two visemes or a postalveolar one.
        for (arpabet, ipa) in ARPAbet.table { #expect(Viseme.mapsExactly(ipa), "\(arpabet) → \(ipa)") }
        #expect(Viseme.sequence(forIPA: ARPAbet.ipa("AY1")) == [.openVowel, .closeVowel])
        #expect(Viseme.sequence(forIPA: ARPAbet.ipa("SIL")) == [.rest])
    }

    @Test func missingFilesAndChangedFilesAreNotUsed() throws {
        var alignment = try PhoneAlignment.bundled()
        alignment.utterances = Array(alignment.utterances.prefix(3))
        alignment.utterances[0].path = "asterisk-core-sounds-en-wav:/nonexistent/activated.wav"
        alignment.utterances[1].sha256 = String(repeating: "0", count: 64)
        let verified = RecordedSpeech.verifiedUtterances(alignment)
        #expect(verified.count == (Self.installed ? 1 : 0))
        let none = RecordedSpeech.inventory(of: [], aligned: 3)
        #expect(!none.available && none.utterances == 0 && none.fingerprint == nil && none.reason != nil)
    }

    /// Without the recordings the fraction has no effect, and the settings say so.
    @Test func withoutRecordingsTheFractionHasNoEffectAndSettingsSaySo() throws {
        var configuration = configuration(kinds: [.dub])
        configuration.recordedSpeech = .none("test: packages missing")
        #expect(configuration.effectiveRecordedSpeechFraction == 0)
        let clip = try ClipGenerator.make(index: 0, seed: 3, configuration: configuration)
        #expect(clip.entry.speech.source == "espeak-ng")
        #expect(clip.entry.speech.files == nil)
        #expect(clip.entry.otherSpeech?.source == "espeak-ng")
        let settings = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any]
        let recorded = try #require(settings?["recordedSpeech"] as? [String: Any])
        #expect(recorded["available"] as? Bool == false)
        #expect(settings?["recordedSpeechFraction"] as? Double == 1)
        // A manifest line has every key, `files` as null.
        let line = try String(decoding: JSONEncoder().encode(clip.entry), as: UTF8.self)
        #expect(line.contains("\"files\":null"))
        // Settings naming recordings this machine lacks are refused rather than silently changed.
        var foreign = self.configuration(kinds: [.genuine])
        foreign.recordedSpeech = RecordedSpeechInventory(available: true, utterances: 1, seconds: 2, packages: ["x"], fingerprint: "f", reason: nil)
        #expect(throws: RecordedSpeechError.self) { try ClipGenerator.make(index: 0, seed: 3, configuration: foreign) }
    }

    @Test(.enabled(if: installed, skipReason)) func defaultSettingsUseRecordingsWhereInstalled() {
        let configuration = SynthConfiguration()
        #expect(configuration.recordedSpeech.available)
        #expect(configuration.recordedSpeechFraction == 0.3)
        #expect(configuration.recordedSpeech.packages == ["asterisk-core-sounds-en-wav", "pocketsphinx-testdata"])
        print("recorded speech: \(configuration.recordedSpeech.utterances) utterances, \(configuration.recordedSpeech.seconds) s")
    }

    @Test(.enabled(if: installed, skipReason)) func recordedUtterancesDecodeWithPhonesInsideTheAudio() throws {
        let utterances = RecordedSpeech.utterances
        for index in stride(from: 0, to: utterances.count, by: max(1, utterances.count / 25)) {
            let utterance = utterances[index]
            let decoded = try RecordedSpeech.decode(utterance)
            #expect(abs(decoded.duration - utterance.duration) < 0.02, "\(utterance.path)")
            let last = try #require(utterance.phones.last)
            #expect(last.end <= decoded.duration + 0.02, "\(utterance.path)")
            #expect(decoded.phonemes.allSatisfy { $0.start >= 0 && $0.end <= decoded.duration && $0.end > $0.start })
            #expect(decoded.phonemes.contains { !$0.symbol.isEmpty })
        }
    }

    /// Phone boundaries line up with the sound: pauses inside utterances are much quieter than vowels.
    @Test(.enabled(if: installed, skipReason)) func phoneBoundariesLineUpWithEnergy() throws {
        let vowels: Set<String> = ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"]
        var silence: [Double] = [], vowel: [Double] = []
        var quieterInside = 0, pauses = 0
        for utterance in RecordedSpeech.utterances.prefix(60) {
            let decoded = try RecordedSpeech.decode(utterance)
            let frames = decoded.samples.count / 160
            let energy = (0..<frames).map { f -> Double in
                let slice = decoded.samples[(f * 160)..<((f + 1) * 160)]
                return 10 * log10(slice.reduce(0) { $0 + Double($1 * $1) } / 160 + 1e-10)
            }
            func mean(_ phone: PhoneAlignment.Phone) -> Double? {
                // 20 ms away from each boundary, so the measure is inside the phone.
                let first = Int((phone.start * 100).rounded()) + 2, last = min(frames, Int((phone.end * 100).rounded()) - 2)
                guard last > first else { return nil }
                return energy[first..<last].reduce(0, +) / Double(last - first)
            }
            var utteranceVowels: [Double] = []
            for phone in utterance.phones {
                let name = String(phone.name.filter { !$0.isNumber })
                if vowels.contains(name), let m = mean(phone) { vowel.append(m); utteranceVowels.append(m) }
            }
            let vowelMean = utteranceVowels.isEmpty ? 0 : utteranceVowels.reduce(0, +) / Double(utteranceVowels.count)
            for phone in utterance.phones where phone.name == "SIL" && phone.end - phone.start >= 0.08 {
                guard let m = mean(phone) else { continue }
                silence.append(m)
                pauses += 1
                if m < vowelMean - 10 { quieterInside += 1 }
            }
        }
        let silenceMean = silence.reduce(0, +) / Double(max(1, silence.count))
        let vowelMean = vowel.reduce(0, +) / Double(max(1, vowel.count))
        print("mean frame energy: pauses \(silenceMean) dB (\(silence.count)), vowels \(vowelMean) dB (\(vowel.count)); \(quieterInside)/\(pauses) pauses ≥ 10 dB below their utterance's vowels")
        #expect(silence.count >= 10 && vowel.count >= 200)
        #expect(silenceMean < vowelMean - 20)
        #expect(Double(quieterInside) >= 0.9 * Double(pauses))
    }

    @Test(.enabled(if: installed, skipReason)) func recordedClipsCarryTheirSourceAndDecodeToTheLabelledLength() throws {
        let configuration = configuration(kinds: [.genuine, .dub, .lipsync])
        let folder = try SyncCheck.folder()
        for index in 0..<3 {
            let clip = try ClipGenerator.make(index: index, seed: 21, configuration: configuration)
            let speech = clip.entry.speech
            #expect(speech.source == "recorded")
            let files = try #require(speech.files)
            #expect(!files.isEmpty && files.allSatisfy { $0.hasPrefix(speech.voice.name + ":/usr/share/") })
            #expect(clip.audio.count == clip.entry.frames * TimeConventions.samplesPerVideoFrame)
            #expect(clip.frames.count == clip.entry.frames)
            if let other = clip.entry.otherSpeech {
                #expect(other.source == "recorded")
                #expect(Set(other.files ?? []).isDisjoint(with: files))
                #expect(other.text != speech.text)
            }
            let url = folder.appendingPathComponent("\(index).mp4")
            try CorpusWriter.encode(clip, to: url, configuration: configuration)
            let decoded = try Clip.load(path: url.path)
            #expect(decoded.frameCount == clip.entry.frames)
            #expect(decoded.audio.count == clip.audio.count)
            let line = try String(decoding: JSONEncoder().encode(clip.entry), as: UTF8.self)
            #expect(line.contains("\"source\":\"recorded\"") && line.contains("\"files\":["))
        }
    }

    @Test(.enabled(if: installed, skipReason)) func sameSeedSameRecordedClip() throws {
        let configuration = configuration(kinds: [.partial, .offset], fraction: 0.5)
        var sources: Set<String> = []
        for index in 0..<4 {
            let a = try ClipGenerator.make(index: index, seed: 8, configuration: configuration)
            let b = try ClipGenerator.make(index: index, seed: 8, configuration: configuration)
            #expect(a.entry == b.entry)
            #expect(a.audio.count == b.audio.count)
            let difference = zip(a.audio, b.audio).map { abs($0 - $1) }.max() ?? 0
            #expect(difference == 0, "clip \(index)")
            sources.insert(a.entry.speech.source)
        }
        print("sources with fraction 0.5: \(sources.sorted())")
    }
}
