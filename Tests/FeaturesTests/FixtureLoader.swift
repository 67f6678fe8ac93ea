import Features
import Foundation

/// The committed fixtures (made by scripts/fixtures/make_logmel_fixture.py).
enum Fixture {
    /// Reads `Fixtures/<name>.npy` from the test bundle.
    static func array(_ name: String) throws -> NPYArray {
        guard let url = Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return try NPYFile.read(from: url)
    }

    /// espeak-ng speech at 16 kHz with a 150 ms noise burst at 1.45 s: `(28800,)`.
    static func speech() throws -> [Float] { try array("speech_16k").values }

    /// librosa's log-mel of ``speech()``: `(80, 181)`.
    static func speechLogMel() throws -> NPYArray { try array("speech_logmel") }

    struct FixtureMissing: Error { let name: String }
}
