import CEspeakNG
import Foundation

/// A phoneme with its start in the utterance's audio.
public struct TimedPhoneme: Equatable, Codable, Sendable {
    /// IPA symbol as espeak-ng reports it (stress marks kept, e.g. "ɑː"); "" is a pause.
    public var symbol: String
    /// Start, seconds from the start of the utterance.
    public var start: Double
    /// End, seconds (the next phoneme's start, or the end of the audio).
    public var end: Double
}

/// espeak-ng speech with exact phoneme timings.
public struct Utterance: Sendable {
    /// Mono samples at ``sampleRate``.
    public var samples: [Float]
    public var sampleRate: Int
    public var phonemes: [TimedPhoneme]
    public var text: String
    public var voice: VoiceSettings

    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// How espeak-ng speaks.
public struct VoiceSettings: Equatable, Codable, Sendable {
    /// espeak-ng voice name with an optional variant, e.g. "en-us+f3".
    public var name: String
    /// Words per minute.
    public var rate: Int
    /// Base pitch, 0–100.
    public var pitch: Int
    /// Pitch range, 0–100.
    public var range: Int

    public init(name: String = "en-us", rate: Int = 170, pitch: Int = 50, range: Int = 50) {
        self.name = name
        self.rate = rate
        self.pitch = pitch
        self.range = range
    }
}

/// Errors from speech synthesis.
public enum SynthesisError: Error, CustomStringConvertible, Equatable {
    case espeakUnavailable
    case unknownVoice(String)
    case synthesisFailed(code: Int32)
    case emptyUtterance(String)

    public var description: String {
        switch self {
        case .espeakUnavailable:
            return "espeak-ng could not start: install libespeak-ng and espeak-ng-data (scripts/install-deps.sh)"
        case .unknownVoice(let name):
            return "espeak-ng has no voice '\(name)'; list voices with `espeak-ng --voices=en`"
        case .synthesisFailed(let code):
            return "espeak-ng synthesis failed (code \(code))"
        case .emptyUtterance(let text):
            return "espeak-ng produced no audio for '\(text)'"
        }
    }
}

/// espeak-ng through its C library, in synchronous mode with IPA phoneme events.
///
/// espeak-ng keeps global state, so every call is serialised by one lock; the
/// synthesizer can be used from many threads.
public enum SpeechSynthesizer {
    /// espeak-ng's output rate.
    public static let sampleRate = 22_050

    private static let lock = NSLock()
    nonisolated(unsafe) private static var initialized = false
    nonisolated(unsafe) private static var collected: [Int16] = []
    nonisolated(unsafe) private static var events: [(symbol: String, sample: Int)] = []

    /// Speaks `text` with `voice`.
    /// - Returns: Samples in [-1, 1] at 22 050 Hz and the phonemes with their times.
    /// - Throws: ``SynthesisError``.
    public static func speak(_ text: String, voice: VoiceSettings) throws -> Utterance {
        lock.lock()
        defer { lock.unlock() }
        try initialize()
        guard espeak_SetVoiceByName(voice.name) == EE_OK else { throw SynthesisError.unknownVoice(voice.name) }
        espeak_SetParameter(espeakRATE, Int32(voice.rate), 0)
        espeak_SetParameter(espeakPITCH, Int32(voice.pitch), 0)
        espeak_SetParameter(espeakRANGE, Int32(voice.range), 0)
        collected = []
        events = []
        let code = text.withCString { pointer in
            espeak_Synth(pointer, strlen(pointer) + 1, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, nil)
        }
        guard code == EE_OK else { throw SynthesisError.synthesisFailed(code: Int32(code.rawValue)) }
        espeak_Synchronize()
        guard !collected.isEmpty else { throw SynthesisError.emptyUtterance(text) }
        let samples = collected.map { Float($0) / 32768 }
        let seconds = { (sample: Int) in Double(sample) / Double(sampleRate) }
        var phonemes: [TimedPhoneme] = []
        for (index, event) in events.enumerated() {
            let end = index + 1 < events.count ? events[index + 1].sample : samples.count
            guard end > event.sample else { continue }
            phonemes.append(TimedPhoneme(symbol: event.symbol, start: seconds(event.sample), end: seconds(min(end, samples.count))))
        }
        return Utterance(samples: samples, sampleRate: sampleRate, phonemes: phonemes, text: text, voice: voice)
    }

    /// Whether espeak-ng knows `name` (a voice with an optional "+variant").
    public static func hasVoice(_ name: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard (try? initialize()) != nil else { return false }
        return espeak_SetVoiceByName(name) == EE_OK
    }

    private static func initialize() throws {
        guard !initialized else { return }
        let options = Int32(espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA | espeakINITIALIZE_DONT_EXIT)
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, options)
        guard rate == Int32(sampleRate) else { throw SynthesisError.espeakUnavailable }
        espeak_SetSynthCallback { wav, count, event in
            if let wav, count > 0 { SpeechSynthesizer.collected.append(contentsOf: UnsafeBufferPointer(start: wav, count: Int(count))) }
            var cursor = event
            while let current = cursor, current.pointee.type != espeakEVENT_LIST_TERMINATED {
                if current.pointee.type == espeakEVENT_PHONEME {
                    let symbol = withUnsafeBytes(of: current.pointee.id.string) { raw in
                        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    SpeechSynthesizer.events.append((symbol, Int(current.pointee.sample)))
                }
                cursor = current + 1
            }
            return 0
        }
        initialized = true
    }
}
