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
    case corpusMismatch(String)

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
        case .corpusMismatch(let folder):
            return "\(folder) holds a corpus made with another seed, generator or settings; choose a new --out folder"
        }
    }
}

/// espeak-ng through its C library, with IPA phoneme events.
///
/// espeak-ng carries state from one utterance to the next (waveform phase, echo,
/// its random generator), so the same request would sound slightly different
/// depending on what came before. Every utterance is therefore spoken in a forked
/// child of a process whose espeak-ng was initialised and never used: the result
/// depends only on the request, which makes corpora reproducible and lets
/// utterances be made in parallel.
public enum SpeechSynthesizer {
    /// espeak-ng's output rate.
    public static let sampleRate = 22_050

    private static let lock = NSLock()
    /// Held from pipe() until the parent has closed the write end, so no other
    /// child inherits it (the reader would then wait for that child too).
    private static let forkLock = NSLock()
    nonisolated(unsafe) private static var initialized = false
    nonisolated(unsafe) private static var knownVoices: [String: Bool] = [:]

    /// Speaks `text` with `voice`.
    /// - Returns: Samples in [-1, 1] at 22 050 Hz and the phonemes with their times.
    /// - Throws: ``SynthesisError``.
    public static func speak(_ text: String, voice: VoiceSettings) throws -> Utterance {
        try initialize()
        // C strings are made before fork(): the child runs plain C only.
        let (status, stream) = try text.withCString { textPointer in
            try voice.name.withCString { voicePointer in
                let (rate, pitch, range) = (Int32(voice.rate), Int32(voice.pitch), Int32(voice.range))
                return try runChild { fd in cespeak_speak_to_fd(textPointer, voicePointer, rate, pitch, range, fd) }
            }
        }
        switch status {
        case 0: break
        case 2: throw SynthesisError.unknownVoice(voice.name)
        default: throw SynthesisError.synthesisFailed(code: status)
        }
        let (raw, events) = try decode(stream)
        guard !raw.isEmpty else { throw SynthesisError.emptyUtterance(text) }
        let samples = raw.map { Float($0) / 32768 }
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
    /// - Throws: ``SynthesisError`` when the check itself cannot run (no process could be
    ///   forked), so a transient failure never silently changes a corpus.
    public static func hasVoice(_ name: String) throws -> Bool {
        if let known = lock.withLock({ knownVoices[name] }) { return known }
        try initialize()
        let (status, _) = try name.withCString { pointer in
            try runChild { _ in cespeak_has_voice(pointer) == 1 ? 0 : 2 }
        }
        guard status == 0 || status == 2 else { throw SynthesisError.synthesisFailed(code: status) }
        lock.withLock { knownVoices[name] = status == 0 }
        return status == 0
    }

    /// Runs `work` in a forked child with a pipe to the parent.
    /// - Returns: The child's exit status and everything it wrote.
    private static func runChild(_ work: (Int32) -> Int32) throws -> (Int32, Data) {
        var fds: [Int32] = [0, 0]
        forkLock.lock()
        guard pipe(&fds) == 0 else {
            forkLock.unlock()
            throw SynthesisError.synthesisFailed(code: errno)
        }
        let pid = fork()
        if pid < 0 {
            close(fds[0]); close(fds[1])
            forkLock.unlock()
            throw SynthesisError.synthesisFailed(code: errno)
        }
        if pid == 0 {
            close(fds[0])
            let status = work(fds[1])
            close(fds[1])
            _exit(status)
        }
        close(fds[1])
        forkLock.unlock()
        let reader = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        let data = reader.readDataToEndOfFile()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), data)
    }

    /// Parses the child's stream of audio and phoneme records.
    private static func decode(_ data: Data) throws -> ([Int16], [(symbol: String, sample: Int)]) {
        var samples: [Int16] = []
        var events: [(symbol: String, sample: Int)] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            func int32() throws -> Int {
                guard offset + 4 <= raw.count else { throw SynthesisError.synthesisFailed(code: -1) }
                defer { offset += 4 }
                return Int(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            }
            while offset < raw.count {
                let tag = raw[offset]
                offset += 1
                switch tag {
                case UInt8(ascii: "S"):
                    let count = try int32()
                    guard count >= 0, offset + 2 * count <= raw.count else { throw SynthesisError.synthesisFailed(code: -1) }
                    for i in 0..<count { samples.append(raw.loadUnaligned(fromByteOffset: offset + 2 * i, as: Int16.self)) }
                    offset += 2 * count
                case UInt8(ascii: "P"):
                    let sample = try int32()
                    guard offset + 8 <= raw.count else { throw SynthesisError.synthesisFailed(code: -1) }
                    let name = raw[offset..<(offset + 8)].prefix { $0 != 0 }
                    events.append((String(decoding: name, as: UTF8.self), sample))
                    offset += 8
                default:
                    throw SynthesisError.synthesisFailed(code: -1)
                }
            }
        }
        return (samples, events)
    }

    /// Initialises espeak-ng once in this process; it is never used here directly.
    private static func initialize() throws {
        try lock.withLock {
            guard !initialized else { return }
            let options = Int32(espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA | espeakINITIALIZE_DONT_EXIT)
            let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, options)
            guard rate == Int32(sampleRate) else { throw SynthesisError.espeakUnavailable }
            initialized = true
        }
    }
}
