import Forensics
import Model
import Tensor

/// One window cut from a clip with its labels, ready to batch.
public struct TrainingWindow: Sendable {
    public var input: WindowInput
    /// 1 = the window holds manipulated frames of a fake clip.
    public var label: Float
    /// `(T)` sync label (1 = in sync) and mask (1 = labelled frame with speech).
    public var sync: [Float]
    public var syncMask: [Float]
    /// `(T)` artifact label (1 = tampered pixels) and mask (1 = labelled frame).
    public var artifact: [Float]
    public var artifactMask: [Float]
    /// Genuine speech in sync (joins the contrastive loss).
    public var genuine: Bool

    /// Frames `start ..< start + length` of `features` with the labels of `example`.
    /// A window of a fake clip is labelled fake when one of its frames is out of sync or tampered
    /// (a partial clip's window outside the replaced audio is genuine); without per-frame labels,
    /// the clip's label.
    public init(example: TrainingExample, features: ClipFeatures, start: Int, length: Int) {
        let window = features.window(start..<(start + length))
        input = WindowInput(crops: window.crops, mel: window.mel)
        let frames = start..<(start + length)
        func labels(_ values: [Int]?) -> [Float]? {
            guard let values, values.count >= frames.upperBound else { return nil }
            return frames.map { Float(values[$0]) }
        }
        let syncLabels = labels(example.frameSync)
        let artifactLabels = labels(example.frameArtifact)
        sync = syncLabels ?? [Float](repeating: example.isFake ? 0 : 1, count: length)
        syncMask = syncLabels == nil && example.isFake ? [Float](repeating: 0, count: length)
            : window.speech.map { $0 ? 1 : 0 }
        artifact = artifactLabels ?? [Float](repeating: 0, count: length)
        artifactMask = [Float](repeating: artifactLabels == nil ? 0 : 1, count: length)
        if example.isFake, syncLabels != nil || artifactLabels != nil {
            let outOfSync = (syncLabels ?? []).contains(0)
            let tampered = (artifactLabels ?? []).contains(1)
            label = outOfSync || tampered ? 1 : 0
        } else {
            label = example.isFake ? 1 : 0
        }
        genuine = example.isGenuine
    }

    /// Stacks windows into the model's inputs and the losses' targets.
    /// `video: (B, 3, T, H, W)`, `mel: (B, 1, F, T_a)`.
    public static func batch(_ windows: [TrainingWindow], configuration: ModelConfiguration)
        throws -> (video: Tensor, mel: Tensor, targets: TrainingTargets) {
        let b = windows.count
        let t = windows[0].sync.count
        let melFrames = windows[0].input.mel.count / configuration.melBands
        let (video, mel) = try ModelInput.batch(windows.map(\.input), frames: t, melFrames: melFrames, configuration: configuration)
        let targets = TrainingTargets(
            clip: try Tensor(shape: [b], scalars: windows.map(\.label)),
            sync: try Tensor(shape: [b, t], scalars: windows.flatMap(\.sync)),
            syncMask: try Tensor(shape: [b, t], scalars: windows.flatMap(\.syncMask)),
            artifact: try Tensor(shape: [b, t], scalars: windows.flatMap(\.artifact)),
            artifactMask: try Tensor(shape: [b, t], scalars: windows.flatMap(\.artifactMask)),
            genuine: windows.map(\.genuine))
        return (video, mel, targets)
    }
}

/// Random changes a window can take without changing its labels: a small shift of the crop
/// (edge pixels repeated), brightness and contrast, pixel noise, an audio gain and, when a plan
/// asks for them, a vocal-tract-length warp (``MelFrequencyWarp``) and a band limit
/// (``MelBandLimit``) of the log-mel.
/// Keys a plan leaves out keep their defaults.
public struct Augmentation: Codable, Sendable, Equatable {
    /// Largest crop shift in pixels (each axis).
    public var maxShift: Int = 2
    /// Contrast factor range and brightness offset range (in grey levels).
    public var contrast: ClosedRange<Float> = 0.85...1.15
    public var brightness: ClosedRange<Float> = -12...12
    /// Largest standard deviation of Gaussian pixel noise (grey levels).
    public var maxNoise: Float = 4
    /// Audio gain range in dB (added to the log-mel as ln 10^(g/10)).
    public var gainDB: ClosedRange<Float> = -6...6
    /// Range of the log-mel frequency-warp factor (e.g. 0.85...1.15), drawn per window; nil =
    /// no warp and no random draw for it, so plans without it see exactly the windows they saw
    /// before the warp existed.
    public var melWarp: ClosedRange<Float>?
    /// Range of a band-limit cutoff in Hz (e.g. 3400...7000) applied to a share
    /// ``melBandLimitProbability`` of windows (``MelBandLimit``); nil = never, and no random draw.
    public var melBandLimit: ClosedRange<Float>?
    public var melBandLimitProbability: Float = 0.3

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case maxShift, contrast, brightness, maxNoise, melWarp, melBandLimit, melBandLimitProbability
        // `gain_db` in a plan: the snake-case decoder turns it into "gainDb".
        case gainDB = "gainDb"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Augmentation()
        maxShift = try container.decodeIfPresent(Int.self, forKey: .maxShift) ?? defaults.maxShift
        contrast = try container.decodeIfPresent(ClosedRange<Float>.self, forKey: .contrast) ?? defaults.contrast
        brightness = try container.decodeIfPresent(ClosedRange<Float>.self, forKey: .brightness) ?? defaults.brightness
        maxNoise = try container.decodeIfPresent(Float.self, forKey: .maxNoise) ?? defaults.maxNoise
        gainDB = try container.decodeIfPresent(ClosedRange<Float>.self, forKey: .gainDB) ?? defaults.gainDB
        melWarp = try container.decodeIfPresent(ClosedRange<Float>.self, forKey: .melWarp)
        melBandLimit = try container.decodeIfPresent(ClosedRange<Float>.self, forKey: .melBandLimit)
        melBandLimitProbability = try container.decodeIfPresent(Float.self, forKey: .melBandLimitProbability)
            ?? defaults.melBandLimitProbability
    }

    /// Writes the band limit's probability only with a band limit, so plans without one encode
    /// (and hash into checkpoints) as they did before it existed.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxShift, forKey: .maxShift)
        try container.encode(contrast, forKey: .contrast)
        try container.encode(brightness, forKey: .brightness)
        try container.encode(maxNoise, forKey: .maxNoise)
        try container.encode(gainDB, forKey: .gainDB)
        try container.encodeIfPresent(melWarp, forKey: .melWarp)
        if let melBandLimit {
            try container.encode(melBandLimit, forKey: .melBandLimit)
            try container.encode(melBandLimitProbability, forKey: .melBandLimitProbability)
        }
    }

    public static let none: Augmentation = {
        var a = Augmentation()
        a.maxShift = 0; a.contrast = 1...1; a.brightness = 0...0; a.maxNoise = 0; a.gainDB = 0...0
        return a
    }()

    /// Applies one random draw to `window` (crops `(T, 3, H, W)`).
    public func apply(to window: inout TrainingWindow, height h: Int, width w: Int, using random: inout Xoshiro256) {
        func uniform(_ range: ClosedRange<Float>) -> Float { range.lowerBound + (range.upperBound - range.lowerBound) * random.nextFloat() }
        let dx = maxShift > 0 ? Int(random.next() % UInt64(2 * maxShift + 1)) - maxShift : 0
        let dy = maxShift > 0 ? Int(random.next() % UInt64(2 * maxShift + 1)) - maxShift : 0
        let gain = uniform(contrast), offset = uniform(brightness)
        let noise = maxNoise * random.nextFloat()
        let plane = h * w
        let planes = window.input.crops.count / plane
        var out = [UInt8](repeating: 0, count: window.input.crops.count)
        window.input.crops.withUnsafeBufferPointer { source in
            for p in 0..<planes {
                let base = p * plane
                for y in 0..<h {
                    let sy = min(max(y + dy, 0), h - 1)
                    for x in 0..<w {
                        let sx = min(max(x + dx, 0), w - 1)
                        var v = (Float(source[base + sy * w + sx]) - 128) * gain + 128 + offset
                        if noise > 0 { v += noise * random.nextNormal() }
                        out[base + y * w + x] = UInt8(min(max(v.rounded(), 0), 255))
                    }
                }
            }
        }
        window.input.crops = out
        let decibels = uniform(gainDB)
        if decibels != 0 {
            let shift = decibels / 10 * Float(2.302585)
            for i in window.input.mel.indices { window.input.mel[i] += shift }
        }
        if let melWarp {
            let factor = Double(uniform(melWarp))
            if factor != 1 { MelFrequencyWarp(factor: factor).apply(to: &window.input.mel) }
        }
        if let melBandLimit, random.nextFloat() < melBandLimitProbability {
            MelBandLimit(cutoff: Double(uniform(melBandLimit))).apply(to: &window.input.mel)
        }
    }
}
