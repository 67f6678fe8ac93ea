import Foundation
import Media
import Synth
import Testing

/// Recorded speech (Debian's asterisk-core-sounds-en-wav and pocketsphinx-testdata) with the
/// committed pocketsphinx alignment. Tests that need the recordings are skipped, with the
/// reason, only where the packages are not installed (scripts/install-deps.sh installs them).
@Suite struct RecordedSpeechTests {
    static let installed = RecordedSpeech.inventory().available
    static let skipReason: Comment = "recorded speech not installed (\(RecordedSpeech.inventory().reason ?? "")): run scripts/install-deps.sh"
    static let widebandInstalled = RecordedSpeech.inventory(.wideband).packages.contains(PromptRecordings.wideband.package)
    static let widebandSkipReason: Comment = "asterisk-core-sounds-en-g722 not installed: run scripts/install-deps.sh"

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
        #expect(Set(alignment.utterances.map(\.package))
                == ["asterisk-core-sounds-en-wav", "asterisk-core-sounds-en-g722", "pocketsphinx-testdata"])
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
        let utterances = RecordedSpeech.utterances()
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
        for utterance in RecordedSpeech.utterances().prefix(60) {
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

    /// The two copies of the prompts: each choice takes one package and never the other, the
    /// wideband copy times its prompts as the telephone copy does, and only it carries energy above
    /// 4 kHz (a plain DFT of 20 ms frames: the fricatives' frames of the 16 kHz G.722 files put
    /// most of their energy there, the 8 kHz files' frames under 5 %).
    @Test(.enabled(if: installed && widebandInstalled, widebandSkipReason)) func widebandPromptsCarryTheHighBand() throws {
        let telephone = RecordedSpeech.utterances(.telephone), wideband = RecordedSpeech.utterances(.wideband)
        #expect(Set(telephone.map(\.package)) == ["asterisk-core-sounds-en-wav", "pocketsphinx-testdata"])
        #expect(Set(wideband.map(\.package)) == ["asterisk-core-sounds-en-g722", "pocketsphinx-testdata"])
        #expect(RecordedSpeech.inventory(.telephone).fingerprint != RecordedSpeech.inventory(.wideband).fingerprint)
        let narrowByName = Dictionary(uniqueKeysWithValues: telephone.filter { $0.package == "asterisk-core-sounds-en-wav" }
            .map { (URL(fileURLWithPath: $0.filePath).deletingPathExtension().path, $0) })
        let prompts = wideband.filter { $0.package == "asterisk-core-sounds-en-g722" }
        #expect(prompts.count == narrowByName.count)
        var checked = 0, fricativeRich = 0
        for prompt in stride(from: 0, to: prompts.count, by: max(1, prompts.count / 8)).map({ prompts[$0] }) {
            let name = URL(fileURLWithPath: prompt.filePath).deletingPathExtension().path
            let narrow = try #require(narrowByName[name])
            #expect(prompt.phones == narrow.phones && prompt.text == narrow.text)
            let wide = try RecordedSpeech.decode(prompt), tele = try RecordedSpeech.decode(narrow)
            #expect(abs(wide.duration - tele.duration) < 0.02, "\(name)")
            let wideShare = Self.largestShareAbove4kHz(wide.samples), teleShare = Self.largestShareAbove4kHz(tele.samples)
            print("\(name): largest share of a frame's energy above 4 kHz: G.722 \(wideShare), 8 kHz \(teleShare)")
            // A prompt without fricatives ("there are") has little above 4 kHz in either copy,
            // but still far more in the wideband one.
            #expect(wideShare > 20 * teleShare, "\(name)")
            #expect(teleShare < 0.05, "\(name)")
            if wideShare > 0.5 { fricativeRich += 1 }
            checked += 1
        }
        #expect(checked >= 8)
        #expect(fricativeRich >= checked * 3 / 4)
    }

    /// The largest fraction of a 20 ms frame's energy above 4 kHz, over the frames within 30 dB
    /// of the loudest (a Hann-windowed DFT by its definition; 16 kHz audio).
    static func largestShareAbove4kHz(_ samples: [Float]) -> Double {
        let n = 320, bins = n / 2 + 1
        let window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
        var shares: [(energy: Double, share: Double)] = []
        for start in stride(from: 0, to: samples.count - n, by: n) {
            var total = 0.0, high = 0.0
            for k in 0..<bins {
                var re = 0.0, im = 0.0
                for t in 0..<n {
                    let x = Double(samples[start + t]) * window[t], angle = -2 * Double.pi * Double(k * t) / Double(n)
                    re += x * cos(angle); im += x * sin(angle)
                }
                let power = re * re + im * im
                total += power
                if k * 16_000 / n > 4_000 { high += power }
            }
            shares.append((total, total > 0 ? high / total : 0))
        }
        let loudest = shares.map(\.energy).max() ?? 0
        return shares.filter { $0.energy >= loudest / 1000 }.map(\.share).max() ?? 0
    }

    /// `--prompts wideband` settings name their choice and use the G.722 prompts for recorded
    /// speech; settings without the key read as the telephone copy, as every corpus before it.
    @Test(.enabled(if: installed && widebandInstalled, widebandSkipReason)) func widebandSettingsUseTheG722Prompts() throws {
        var configuration = SynthConfiguration(prompts: .wideband)
        configuration.kinds = [.genuine, .dub]
        configuration.frames = 50
        configuration.size = 64
        configuration.preset = "ultrafast"
        configuration.noiseProbability = 0
        configuration.recordedSpeechFraction = 1
        configuration.speakers = .training
        #expect(configuration.prompts == .wideband)
        #expect(configuration.recordedSpeech.packages == ["asterisk-core-sounds-en-g722", "pocketsphinx-testdata"])
        for index in 0..<2 {
            let clip = try ClipGenerator.make(index: index, seed: 5, configuration: configuration)
            let files = try #require(clip.entry.speech.files)
            #expect(files.allSatisfy { $0.hasPrefix("asterisk-core-sounds-en-g722:") && $0.hasSuffix(".g722") })
        }
        let encoded = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(SynthConfiguration.self, from: encoded) == configuration)
        let plain = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(SynthConfiguration())) as? [String: Any])
        #expect(plain["prompts"] == nil)
        let decoded = try JSONDecoder().decode(SynthConfiguration.self, from: JSONSerialization.data(withJSONObject: plain))
        #expect(decoded.prompts == nil && decoded == SynthConfiguration())
    }
}
