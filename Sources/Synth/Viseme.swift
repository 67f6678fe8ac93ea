/// Mouth shapes that look alike from the front: 14 classes covering English phonemes.
public enum Viseme: String, CaseIterable, Codable, Sendable {
    case rest            // pause: lips together, relaxed
    case bilabial        // p b m: lips pressed shut
    case labiodental     // f v: lower lip under the upper teeth
    case dental          // θ ð: tongue tip between the teeth
    case alveolar        // t d n l: slightly open, tongue behind the teeth
    case sibilant        // s z: teeth together, lips spread
    case postalveolar    // ʃ ʒ tʃ dʒ: lips pushed forward, teeth close
    case velar           // k g ŋ h: open, tongue back
    case rhotic          // ɹ: lips slightly rounded
    case glide           // w: tight rounding
    case closeVowel      // i ɪ j: spread, nearly closed
    case midVowel        // e ɛ ə ɜ ʌ: half open
    case openVowel       // a ɑ æ ɐ: wide open
    case roundVowel      // o ɔ ɒ u ʊ: rounded

    /// The mouth pose this viseme aims at.
    public var target: MouthPose {
        switch self {
        case .rest: return MouthPose(open: 0.02, spread: 0.45, round: 0.1, teeth: 0.0, tongue: 0.0)
        case .bilabial: return MouthPose(open: 0.0, spread: 0.45, round: 0.1, teeth: 0.0, tongue: 0.0)
        case .labiodental: return MouthPose(open: 0.12, spread: 0.5, round: 0.0, teeth: 0.9, tongue: 0.0)
        case .dental: return MouthPose(open: 0.22, spread: 0.55, round: 0.0, teeth: 0.8, tongue: 0.9)
        case .alveolar: return MouthPose(open: 0.25, spread: 0.55, round: 0.05, teeth: 0.6, tongue: 0.4)
        case .sibilant: return MouthPose(open: 0.12, spread: 0.75, round: 0.0, teeth: 1.0, tongue: 0.0)
        case .postalveolar: return MouthPose(open: 0.2, spread: 0.25, round: 0.7, teeth: 0.8, tongue: 0.0)
        case .velar: return MouthPose(open: 0.4, spread: 0.5, round: 0.1, teeth: 0.4, tongue: 0.3)
        case .rhotic: return MouthPose(open: 0.25, spread: 0.35, round: 0.55, teeth: 0.3, tongue: 0.2)
        case .glide: return MouthPose(open: 0.12, spread: 0.1, round: 1.0, teeth: 0.0, tongue: 0.0)
        case .closeVowel: return MouthPose(open: 0.22, spread: 0.85, round: 0.0, teeth: 0.7, tongue: 0.3)
        case .midVowel: return MouthPose(open: 0.5, spread: 0.55, round: 0.1, teeth: 0.5, tongue: 0.4)
        case .openVowel: return MouthPose(open: 0.9, spread: 0.55, round: 0.05, teeth: 0.5, tongue: 0.6)
        case .roundVowel: return MouthPose(open: 0.5, spread: 0.2, round: 0.85, teeth: 0.2, tongue: 0.3)
        }
    }

    /// How strongly the viseme holds its shape against its neighbours (coarticulation).
    /// Lip closures and lip-teeth contact must be reached; vowels yield more.
    public var dominance: Double {
        switch self {
        case .bilabial, .labiodental: return 3.0
        case .glide, .postalveolar, .openVowel, .roundVowel: return 1.5
        case .rest: return 0.6
        case .velar, .alveolar, .rhotic: return 0.8
        default: return 1.0
        }
    }

    /// The visemes of one espeak-ng IPA phoneme symbol (diphthongs and affricates give two).
    public static func sequence(forIPA symbol: String) -> [Viseme] {
        let cleaned = symbol.filter { !"ˈˌːˑ̩̯̃#-_;'".contains($0) }
        if cleaned.isEmpty { return [.rest] }
        if let whole = table[cleaned] { return [whole] }
        // Longest-prefix split: "aɪ" → a + ɪ, "oʊ" → o + ʊ, "tʃ" → postalveolar.
        var visemes: [Viseme] = []
        var rest = Substring(cleaned)
        while !rest.isEmpty {
            var matched = false
            for length in stride(from: min(3, rest.count), through: 1, by: -1) {
                let prefix = String(rest.prefix(length))
                if let viseme = table[prefix] {
                    if visemes.last != viseme { visemes.append(viseme) }
                    rest = rest.dropFirst(length)
                    matched = true
                    break
                }
            }
            if !matched { rest = rest.dropFirst() }
        }
        return visemes.isEmpty ? [.midVowel] : visemes
    }

    /// Whether every part of an IPA symbol is in the table (no fallback guess was needed).
    public static func mapsExactly(_ symbol: String) -> Bool {
        var rest = Substring(symbol.filter { !"ˈˌːˑ̩̯̃#-_;'".contains($0) })
        while !rest.isEmpty {
            guard let length = (1...min(3, rest.count)).reversed().first(where: { table[String(rest.prefix($0))] != nil }) else { return false }
            rest = rest.dropFirst(length)
        }
        return true
    }

    private static let table: [String: Viseme] = [
        "p": .bilabial, "b": .bilabial, "m": .bilabial,
        "f": .labiodental, "v": .labiodental,
        "θ": .dental, "ð": .dental,
        "t": .alveolar, "d": .alveolar, "n": .alveolar, "l": .alveolar, "ɾ": .alveolar, "ɫ": .alveolar, "ʔ": .alveolar,
        "s": .sibilant, "z": .sibilant,
        "ʃ": .postalveolar, "ʒ": .postalveolar, "tʃ": .postalveolar, "dʒ": .postalveolar,
        "k": .velar, "g": .velar, "ɡ": .velar, "ŋ": .velar, "h": .velar, "x": .velar,
        "ɹ": .rhotic, "r": .rhotic, "ɚ": .rhotic, "ɝ": .rhotic,
        "w": .glide, "ʍ": .glide,
        "i": .closeVowel, "ɪ": .closeVowel, "j": .closeVowel, "ᵻ": .closeVowel, "y": .closeVowel,
        "e": .midVowel, "ɛ": .midVowel, "ə": .midVowel, "ɜ": .midVowel, "ʌ": .midVowel, "ɐ": .openVowel,
        "a": .openVowel, "ɑ": .openVowel, "æ": .openVowel, "ɒ": .roundVowel,
        "o": .roundVowel, "ɔ": .roundVowel, "u": .roundVowel, "ʊ": .roundVowel,
    ]
}

/// A mouth pose: every value 0…1.
public struct MouthPose: Equatable, Codable, Sendable {
    /// Lip aperture / jaw opening.
    public var open: Double
    /// Horizontal stretch of the lip corners (0.5 neutral).
    public var spread: Double
    /// Lip rounding and protrusion.
    public var round: Double
    /// How much of the teeth shows when the lips part.
    public var teeth: Double
    /// How much of the tongue shows.
    public var tongue: Double

    public init(open: Double, spread: Double, round: Double, teeth: Double, tongue: Double) {
        self.open = open
        self.spread = spread
        self.round = round
        self.teeth = teeth
        self.tongue = tongue
    }

    static func + (a: MouthPose, b: MouthPose) -> MouthPose {
        MouthPose(open: a.open + b.open, spread: a.spread + b.spread, round: a.round + b.round,
                  teeth: a.teeth + b.teeth, tongue: a.tongue + b.tongue)
    }

    static func * (a: MouthPose, k: Double) -> MouthPose {
        MouthPose(open: a.open * k, spread: a.spread * k, round: a.round * k, teeth: a.teeth * k, tongue: a.tongue * k)
    }

    /// Blends toward `other` by `t` (0 = self, 1 = other).
    public func mixed(with other: MouthPose, _ t: Double) -> MouthPose { self * (1 - t) + other * t }

    /// The pose with its movement away from rest scaled by `amount` (under-articulation below 1).
    public func articulated(_ amount: Double) -> MouthPose { Viseme.rest.target.mixed(with: self, amount) }
}
