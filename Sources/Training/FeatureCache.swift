import Forensics
import Foundation
import Media

/// Model-ready features of clips, decoded once through the real media path and kept on disk,
/// keyed by the file's SHA-256, the preprocessing version and the crop size, so epochs and
/// later runs never decode again.
///
/// File format (`<key>.sdfc`, little-endian): the 4 bytes "SDFC", `UInt32` format 1, six `Int32`
/// (first frame, frames T, crop H, crop W, mel bands F, mel frames T_a), then T·3·H·W crop bytes,
/// F·T_a `Float32` log-mel values and T speech bytes (0/1). Written atomically.
public struct FeatureCache: Sendable {
    public let folder: URL
    public let cropHeight: Int
    public let cropWidth: Int

    static let magic: [UInt8] = Array("SDFC".utf8)
    static let format: UInt32 = 1

    public init(folder: URL, cropHeight: Int, cropWidth: Int) throws {
        self.folder = folder
        self.cropHeight = cropHeight
        self.cropWidth = cropWidth
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The cache file of the clip whose contents hash to `sha256`.
    public func url(forSHA256 sha256: String) -> URL {
        folder.appendingPathComponent("\(sha256)-\(ClipFeatures.preprocessingVersion)-\(cropWidth)x\(cropHeight).sdfc")
    }

    /// The features of `file`, from the cache or decoded now and stored.
    /// - Throws: `MediaError` when the clip cannot be decoded, `TrainingError.badCache` for a damaged entry.
    public func features(of file: URL, sha256: String? = nil) throws -> ClipFeatures {
        let key = try sha256 ?? SHA256.hex(fileAt: file)
        let entry = url(forSHA256: key)
        if FileManager.default.fileExists(atPath: entry.path) {
            return try Self.read(entry)
        }
        let features = try ClipFeatures.load(path: file.path, cropHeight: cropHeight, cropWidth: cropWidth)
        try Self.write(features, to: entry)
        return features
    }

    static func write(_ f: ClipFeatures, to url: URL) throws {
        var data = Data(magic)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        put(format)
        for value in [f.firstFrame, f.frameCount, f.cropHeight, f.cropWidth, f.melBands, f.melFrames] { put(Int32(value)) }
        data.append(contentsOf: f.crops)
        f.mel.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        data.append(contentsOf: f.speech.map { $0 ? UInt8(1) : 0 })
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw TrainingError.badCache(path: url.path, reason: "could not move the new entry into place (errno \(errno))")
        }
    }

    static func read(_ url: URL) throws -> ClipFeatures {
        let data = try Data(contentsOf: url)
        func fail(_ reason: String) -> TrainingError { .badCache(path: url.path, reason: reason) }
        guard data.count >= 32, Array(data.prefix(4)) == magic else { throw fail("not a feature-cache file") }
        return try data.withUnsafeBytes { raw -> ClipFeatures in
            func int32(_ offset: Int) -> Int { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))) }
            guard UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == format else { throw fail("unknown format") }
            let (first, t, h, w, bands, melFrames) = (int32(8), int32(12), int32(16), int32(20), int32(24), int32(28))
            guard t > 0, t < 1_000_000, h > 0, w > 0, h * w < 1_000_000, bands > 0, bands < 1000, melFrames >= 0, melFrames < 10_000_000 else {
                throw fail("impossible sizes")
            }
            let cropBytes = t * 3 * h * w, melCount = bands * melFrames
            guard data.count == 32 + cropBytes + 4 * melCount + t else { throw fail("length \(data.count) does not match its sizes") }
            let crops = [UInt8](raw[32..<(32 + cropBytes)])
            var mel = [Float](repeating: 0, count: melCount)
            mel.withUnsafeMutableBytes { target in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(32 + cropBytes)..<(32 + cropBytes + 4 * melCount)]))
            }
            let speech = raw[(32 + cropBytes + 4 * melCount)...].map { $0 != 0 }
            return ClipFeatures(firstFrame: first, frameCount: t, cropHeight: h, cropWidth: w, crops: crops,
                                melBands: bands, mel: mel, speech: speech)
        }
    }
}
