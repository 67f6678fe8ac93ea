import Foundation

/// A forced phone alignment of recorded speech: `Resources/recorded-speech-alignments.json`,
/// made by `scripts/fixtures/align_recorded_speech.py` (pocketsphinx, ARPAbet phones).
public struct PhoneAlignment: Codable, Sendable {
    /// One aligned recording.
    public struct Utterance: Codable, Equatable, Sendable {
        /// "<Debian package>:<absolute path>", e.g. "asterisk-core-sounds-en-wav:/usr/share/asterisk/…/activated.wav".
        public var path: String
        /// The transcript as the package gives it.
        public var text: String
        /// SHA-256 (hex) of the file the alignment was made from.
        public var sha256: String
        /// The file's own sample rate (the alignment's times are in seconds, whatever the rate).
        public var sampleRate: Int
        /// Length of the file, seconds.
        public var duration: Double
        /// ARPAbet phones in time order.
        public var phones: [Phone]

        enum CodingKeys: String, CodingKey {
            case path, text, sha256
            case sampleRate = "sample_rate"
            case duration, phones
        }

        /// The Debian package the file belongs to.
        public var package: String { String(path.prefix { $0 != ":" }) }
        /// The file's absolute path on a machine where the package is installed.
        public var filePath: String { String(path.drop { $0 != ":" }.dropFirst()) }
    }

    /// An ARPAbet phone with its interval, stored as `["AH", start, end]`.
    public struct Phone: Codable, Equatable, Sendable {
        public var name: String
        public var start: Double
        public var end: Double

        public init(name: String, start: Double, end: Double) {
            self.name = name
            self.start = start
            self.end = end
        }

        public init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            name = try container.decode(String.self)
            start = try container.decode(Double.self)
            end = try container.decode(Double.self)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(name)
            try container.encode(start)
            try container.encode(end)
        }

        /// The phone's IPA symbol for ``Viseme/sequence(forIPA:)``; "" is a pause.
        public var ipa: String { ARPAbet.ipa(name) }
    }

    public var format: Int
    /// Aligner and model, e.g. "pocketsphinx 5.1.1 (PyPI wheel) …".
    public var tool: String
    /// The command that made the file.
    public var command: String
    public var utterances: [Utterance]

    /// The alignment shipped with the Synth module.
    public static func bundled() throws -> PhoneAlignment {
        guard let url = Bundle.module.url(forResource: "recorded-speech-alignments", withExtension: "json", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "recorded-speech-alignments", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "recorded-speech-alignments.json is missing from the Synth bundle"])
        }
        return try JSONDecoder().decode(PhoneAlignment.self, from: Data(contentsOf: url))
    }
}

/// The CMU ARPAbet phone set (pocketsphinx's en-US model) in IPA.
public enum ARPAbet {
    /// ARPAbet (stress digits removed) → IPA. Anything else (SIL, +NSN+, …) is a pause.
    public static let table: [String: String] = [
        "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "EH": "ɛ", "ER": "ɝ", "EY": "eɪ",
        "IH": "ɪ", "IY": "i", "OW": "oʊ", "OY": "ɔɪ", "UH": "ʊ", "UW": "u",
        "B": "b", "CH": "tʃ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "dʒ", "K": "k", "L": "l",
        "M": "m", "N": "n", "NG": "ŋ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ", "V": "v",
        "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
    ]

    /// IPA for an ARPAbet phone ("AH0" → "ʌ"); "" (a pause) for silence and noise phones.
    public static func ipa(_ phone: String) -> String {
        table[String(phone.uppercased().filter { !$0.isNumber })] ?? ""
    }

    /// Whether the phone is speech (not silence or noise).
    public static func isSpeech(_ phone: String) -> Bool { !ipa(phone).isEmpty }
}
