/// Which speakers a corpus may use, so an evaluation split can hold out voices the training
/// split never heard.
///
/// - `all`: every espeak-ng voice and every recording (the default; same clips as before the split existed).
/// - `training`: five of the seven espeak-ng base voices and the Asterisk recordings (one speaker).
/// - `heldout`: the other two base voices (`en-us-nyc`, `en-gb-x-gbclan`) and the LibriVox reader
///   of `pocketsphinx-testdata`.
public enum SpeakerSplit: String, Codable, CaseIterable, Sendable {
    case all
    case training
    case heldout

    /// espeak-ng base voices kept for the held-out split.
    static let heldoutVoices: Set<String> = ["en-us-nyc", "en-gb-x-gbclan"]
    /// The recordings' package kept for the held-out split.
    static let heldoutPackage = "pocketsphinx-testdata"

    /// The base voices of this split, in the generator's order.
    func voices(_ all: [String]) -> [String] {
        switch self {
        case .all: return all
        case .training: return all.filter { !Self.heldoutVoices.contains($0) }
        case .heldout: return all.filter { Self.heldoutVoices.contains($0) }
        }
    }

    /// Whether a recording from `package` belongs to this split.
    func allows(package: String) -> Bool {
        switch self {
        case .all: return true
        case .training: return package != Self.heldoutPackage
        case .heldout: return package == Self.heldoutPackage
        }
    }
}
