import Foundation
import Media

/// What recorded speech a machine has: part of ``SynthConfiguration``, so `corpus.json`
/// says whether recordings were used and which (a corpus is reproducible only where the
/// same recordings exist; resuming elsewhere is refused because the settings differ).
public struct RecordedSpeechInventory: Codable, Equatable, Sendable {
    /// Whether any aligned recording was found with the SHA-256 the alignment was made from.
    public var available: Bool
    /// Verified recordings and their total length, seconds.
    public var utterances: Int
    public var seconds: Double
    /// Debian packages they come from.
    public var packages: [String]
    /// SHA-256 of the verified files' SHA-256s (sorted by path, one per line); nil when none.
    public var fingerprint: String?
    /// Why nothing is available (packages not installed, alignment missing), nil when available.
    public var reason: String?

    public init(available: Bool, utterances: Int, seconds: Double, packages: [String], fingerprint: String?, reason: String?) {
        self.available = available
        self.utterances = utterances
        self.seconds = seconds
        self.packages = packages
        self.fingerprint = fingerprint
        self.reason = reason
    }

    /// No recordings: ``SynthConfiguration/recordedSpeechFraction`` has no effect.
    public static func none(_ reason: String) -> RecordedSpeechInventory {
        RecordedSpeechInventory(available: false, utterances: 0, seconds: 0, packages: [], fingerprint: nil, reason: reason)
    }
}

/// Errors from recorded speech.
public enum RecordedSpeechError: Error, CustomStringConvertible, Equatable {
    /// The configuration was made where other recordings (or none) were available.
    case inventoryMismatch(expected: String?, found: String?)
    case noRecordings

    public var description: String {
        switch self {
        case .inventoryMismatch(let expected, let found):
            return "the settings name recorded speech \(expected ?? "none") but this machine has \(found ?? "none"): "
                + "install the Asterisk prompts and pocketsphinx-testdata (scripts/install-deps.sh) or make the corpus again"
        case .noRecordings:
            return "no aligned recorded speech is installed: run scripts/install-deps.sh"
        }
    }
}

/// Which copy of Allison Smith's Asterisk prompts recorded speech uses (the LibriVox sentences
/// are the same in both). The two hold the same recordings, and the committed alignment times
/// both (`scripts/fixtures/add_wideband_prompts.py`).
public enum PromptRecordings: String, Codable, CaseIterable, Sendable {
    /// `asterisk-core-sounds-en-wav`: 8 kHz PCM, nothing above 4 kHz. Every corpus up to the
    /// eighteenth session used these, and settings that name no choice mean them.
    case telephone
    /// `asterisk-core-sounds-en-g722`: G.722 at 16 kHz, with the fricatives' energy above 4 kHz.
    case wideband

    /// The Debian package of this copy.
    public var package: String {
        switch self {
        case .telephone: return "asterisk-core-sounds-en-wav"
        case .wideband: return "asterisk-core-sounds-en-g722"
        }
    }

    /// Whether a recording from `package` belongs to this choice: the other copy's package is left out.
    func allows(package: String) -> Bool {
        Self.allCases.allSatisfy { $0 == self || $0.package != package }
    }
}

/// A recording decoded to 16 kHz mono with its phones in IPA.
public struct RecordedUtterance: Sendable {
    public var samples: [Float]
    /// IPA symbols ("" = pause) with times in seconds from the start of the recording.
    public var phonemes: [TimedPhoneme]
    public var text: String
    /// "<package>:<path>" as in the alignment file.
    public var path: String

    public var duration: Double { Double(samples.count) / Double(TimeConventions.audioSampleRate) }
}

/// Real recorded speech as a second source of the corpus: Debian's
/// `asterisk-core-sounds-en-wav` (Allison Smith, CC-BY-SA-3.0) and the LibriVox
/// sentences of `pocketsphinx-testdata`, with phone timings from the committed
/// pocketsphinx forced alignment (`Resources/recorded-speech-alignments.json`).
/// Only files whose SHA-256 matches the aligned one are used.
public enum RecordedSpeech {
    private struct Catalogue: Sendable {
        var utterances: [PhoneAlignment.Utterance]
        var inventory: RecordedSpeechInventory
    }

    nonisolated(unsafe) private static var cachedCatalogues: [PromptRecordings: Catalogue] = [:]
    private static let lock = NSLock()

    private static func catalogue(_ prompts: PromptRecordings) -> Catalogue {
        lock.withLock {
            if let cached = cachedCatalogues[prompts] { return cached }
            let made: Catalogue
            do {
                var alignment = try PhoneAlignment.bundled()
                alignment.utterances = alignment.utterances.filter { prompts.allows(package: $0.package) }
                let verified = verifiedUtterances(alignment)
                made = Catalogue(utterances: verified, inventory: inventory(of: verified, aligned: alignment.utterances.count))
            } catch {
                made = Catalogue(utterances: [], inventory: .none("the alignment resource could not be read: \(error)"))
            }
            cachedCatalogues[prompts] = made
            return made
        }
    }

    /// Recordings on this machine that match the alignment, sorted by path, with the prompts
    /// in the copy `prompts` names.
    public static func utterances(_ prompts: PromptRecordings = .telephone) -> [PhoneAlignment.Utterance] {
        catalogue(prompts).utterances
    }

    /// What this machine has of the recordings `prompts` chooses (checked once per process).
    public static func inventory(_ prompts: PromptRecordings = .telephone) -> RecordedSpeechInventory {
        catalogue(prompts).inventory
    }

    /// The utterances of `alignment` whose file exists here with the aligned SHA-256, sorted by path.
    public static func verifiedUtterances(_ alignment: PhoneAlignment) -> [PhoneAlignment.Utterance] {
        alignment.utterances
            .filter { utterance in
                let url = URL(fileURLWithPath: utterance.filePath)
                guard FileManager.default.isReadableFile(atPath: url.path) else { return false }
                return (try? SHA256.hex(fileAt: url)) == utterance.sha256
            }
            .sorted { $0.path < $1.path }
    }

    /// The inventory of verified utterances.
    public static func inventory(of verified: [PhoneAlignment.Utterance], aligned: Int) -> RecordedSpeechInventory {
        guard !verified.isEmpty else {
            return .none("none of the \(aligned) aligned recordings is installed: the Asterisk prompts and pocketsphinx-testdata are missing")
        }
        let hashes = verified.map { "\($0.path) \($0.sha256)\n" }.joined()
        return RecordedSpeechInventory(
            available: true, utterances: verified.count,
            seconds: (verified.reduce(0) { $0 + $1.duration } * 10).rounded() / 10,
            packages: Array(Set(verified.map(\.package))).sorted(),
            fingerprint: SHA256.hex(Data(hashes.utf8)), reason: nil)
    }

    /// Decodes a recording with ``AudioReader`` (16 kHz mono) and maps its phones to IPA,
    /// clipped to the decoded audio.
    public static func decode(_ utterance: PhoneAlignment.Utterance) throws -> RecordedUtterance {
        let samples = try AudioReader(path: utterance.filePath).readAll()
        let duration = Double(samples.count) / Double(TimeConventions.audioSampleRate)
        var phonemes: [TimedPhoneme] = []
        for phone in utterance.phones {
            let start = max(0, phone.start), end = min(duration, phone.end)
            guard end > start else { continue }
            phonemes.append(TimedPhoneme(symbol: phone.ipa, start: start, end: end))
        }
        return RecordedUtterance(samples: samples, phonemes: phonemes, text: utterance.text, path: utterance.path)
    }

    /// A speech track at least `seconds` long: consecutive random recordings of one
    /// package (one speaker), each with 5 ms fades, separated by 0.12–0.45 s pauses,
    /// their phone times shifted onto the track. Peak-normalised to 0.8.
    /// - Parameter excluding: Paths not to use (the primary track's, for a second utterance).
    static func track(seconds: Double, excluding: Set<String> = [], split: SpeakerSplit = .all,
                      prompts: PromptRecordings = .telephone, using random: inout SeededRandom) throws -> SpeechTrack {
        let all = utterances(prompts).filter { split.allows(package: $0.package) }
        guard !all.isEmpty else { throw RecordedSpeechError.noRecordings }
        let pool = all.filter { !excluding.contains($0.path) }
        let first = random.pick(pool.isEmpty ? all : pool)
        let speaker = (pool.isEmpty ? all : pool).filter { $0.package == first.package }
        let rate = Double(TimeConventions.audioSampleRate)
        var samples = [Float](repeating: 0, count: Int(random.uniform(0.05, 0.2) * rate))
        var phonemes: [TimedPhoneme] = [TimedPhoneme(symbol: "", start: 0, end: Double(samples.count) / rate)]
        var used: [PhoneAlignment.Utterance] = []
        var next = first
        while true {
            let recording = try decode(next)
            used.append(next)
            let offset = Double(samples.count) / rate
            var audio = recording.samples
            let fade = min(audio.count / 2, TimeConventions.audioSampleRate / 200)
            for i in 0..<fade {
                let weight = Float(i) / Float(fade)
                audio[i] *= weight
                audio[audio.count - 1 - i] *= weight
            }
            samples += audio
            phonemes += recording.phonemes.map { TimedPhoneme(symbol: $0.symbol, start: $0.start + offset, end: $0.end + offset) }
            let pause = Int(random.uniform(0.12, 0.45) * rate)
            let end = Double(samples.count) / rate
            samples += [Float](repeating: 0, count: pause)
            phonemes.append(TimedPhoneme(symbol: "", start: end, end: Double(samples.count) / rate))
            if Double(samples.count) / rate >= seconds { break }
            let unused = speaker.filter { candidate in !used.contains { $0.path == candidate.path } }
            next = random.pick(unused.isEmpty ? speaker : unused)
        }
        let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
        if peak > 0 { samples = samples.map { $0 * 0.8 / peak } }
        return SpeechTrack(samples: samples, phonemes: phonemes,
                           voice: VoiceSettings(name: first.package, rate: 0, pitch: 0, range: 0),
                           text: used.map(\.text).joined(separator: " "), source: "recorded", files: used.map(\.path))
    }
}

extension SynthConfiguration {
    /// The probability of recorded speech that applies: 0 where the settings record that no
    /// recordings are available, whatever ``recordedSpeechFraction`` says.
    public var effectiveRecordedSpeechFraction: Double {
        recordedSpeech.available ? min(1, max(0, recordedSpeechFraction)) : 0
    }

    /// Throws unless this machine has the recordings the settings name (when they are used).
    func checkRecordedSpeech() throws {
        guard effectiveRecordedSpeechFraction > 0 else { return }
        let here = RecordedSpeech.inventory(promptRecordings)
        guard here.fingerprint == recordedSpeech.fingerprint else {
            throw RecordedSpeechError.inventoryMismatch(expected: recordedSpeech.fingerprint, found: here.fingerprint)
        }
    }
}

extension SpeechTrack {
    init(samples: [Float], phonemes: [TimedPhoneme], voice: VoiceSettings, text: String, source: String, files: [String]?) {
        self.samples = samples
        self.phonemes = phonemes
        self.voice = voice
        self.text = text
        self.source = source
        self.files = files
    }
}
