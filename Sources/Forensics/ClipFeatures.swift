import Features
import Foundation
import Media

/// The model-ready features of a decoded stretch of a clip: mouth crops at the model's crop size,
/// the log-mel that pairs with them, and the voice-activity mask. Training and analysis both make
/// their inputs here, so the two can never preprocess differently.
public struct ClipFeatures: Sendable, Equatable {
    /// Version of this preprocessing: changes whenever the same file would give other features
    /// (training caches are keyed by it).
    public static let preprocessingVersion = "features-1"

    /// Index of the first frame on the 25 fps timeline.
    public var firstFrame: Int
    /// `T` video frames.
    public var frameCount: Int
    /// Crop height and width `H`, `W`.
    public var cropHeight: Int
    public var cropWidth: Int
    /// `(T, 3, H, W)` planar RGB bytes.
    public var crops: [UInt8]
    /// Mel bands `F` (80).
    public var melBands: Int
    /// `(F, 4T)` natural-log mel power, band-major (mel frame `4t … 4t+3` pairs with video frame `t`).
    public var mel: [Float]
    /// `(T)` voice activity per video frame.
    public var speech: [Bool]

    public var melFrames: Int { mel.count / max(melBands, 1) }

    public init(firstFrame: Int, frameCount: Int, cropHeight: Int, cropWidth: Int, crops: [UInt8],
                melBands: Int, mel: [Float], speech: [Bool]) {
        self.firstFrame = firstFrame
        self.frameCount = frameCount
        self.cropHeight = cropHeight
        self.cropWidth = cropWidth
        self.crops = crops
        self.melBands = melBands
        self.mel = mel
        self.speech = speech
    }

    /// Decodes `range` of `path` and computes its features.
    /// - Parameters:
    ///   - cropHeight, cropWidth: the model's crop size; the region (or the whole frame) is resized to it.
    ///   - region: the mouth region in displayed coordinates; nil = the whole frame (mouth-centred clips).
    ///   - regionTrack: a mouth region per frame (a tracked face, `Analysis.mouth.regions`); replaces `region`.
    /// - Throws: `MediaError` for unreadable input (no video, no audio, limits), `LogMelError`.
    public static func load(path: String, cropHeight: Int, cropWidth: Int, region: RegionOfInterest? = nil,
                            regionTrack: RegionTrack? = nil, range: TimeRange = .whole,
                            limits: MediaLimits = MediaLimits()) throws -> ClipFeatures {
        let options = VideoReadOptions(range: range, region: region, regionTrack: regionTrack,
                                       outputSize: .init(width: cropWidth, height: cropHeight), limits: limits)
        let clip = try Clip.load(path: path, options: options)
        return try make(clip: clip, cropHeight: cropHeight, cropWidth: cropWidth)
    }

    /// The features of an already decoded clip whose frames are `cropWidth × cropHeight`.
    /// - Throws: `ForensicsError.shapeMismatch` for frames of another size; `LogMelError`.
    public static func make(clip: Clip, cropHeight: Int, cropWidth: Int) throws -> ClipFeatures {
        try make(frames: clip.frames, firstFrame: clip.firstFrameIndex, audio: clip.audio, leadSamples: 0,
                 cropHeight: cropHeight, cropWidth: cropWidth)
    }

    /// The features of `frames` whose sound is `audio[leadSamples ..< leadSamples + 640·T]`; samples
    /// before and after that stretch are context for the log-mel's edge frames (the STFT window
    /// reaches 200 samples beyond a frame), so a stretch cut from a longer file with one video
    /// frame (640 samples) of context on each side gets exactly the log-mel of the whole file.
    /// - Parameters:
    ///   - frames: `T` crops, each `cropWidth × cropHeight`.
    ///   - leadSamples: a multiple of the mel hop (160).
    /// - Throws: `ForensicsError` for frames of another size or a misaligned lead; `LogMelError`.
    public static func make(frames: [RGBImage], firstFrame: Int, audio: [Float], leadSamples: Int,
                            cropHeight: Int, cropWidth: Int) throws -> ClipFeatures {
        let t = frames.count
        let hop = TimeConventions.melHop
        guard leadSamples >= 0, leadSamples % hop == 0 else {
            throw ForensicsError.invalidParameter("leadSamples \(leadSamples) must be a non-negative multiple of \(hop)")
        }
        var crops = [UInt8](repeating: 0, count: t * 3 * cropHeight * cropWidth)
        let plane = cropHeight * cropWidth
        for (index, frame) in frames.enumerated() {
            guard frame.width == cropWidth, frame.height == cropHeight else {
                throw ForensicsError.shapeMismatch("frame \(index) is \(frame.width)×\(frame.height), crops are \(cropWidth)×\(cropHeight)")
            }
            let base = index * 3 * plane
            frame.pixels.withUnsafeBufferPointer { source in
                for p in 0..<plane {
                    crops[base + p] = source[3 * p]
                    crops[base + plane + p] = source[3 * p + 1]
                    crops[base + 2 * plane + p] = source[3 * p + 2]
                }
            }
        }
        var samples = audio
        let needed = leadSamples + t * TimeConventions.samplesPerVideoFrame
        if samples.count < needed { samples += [Float](repeating: 0, count: needed - samples.count) }
        let spectrogram = try sharedSpectrogram()
        let melStart = leadSamples / hop
        let logMel = try spectrogram(samples, frames: melStart..<(melStart + t * TimeConventions.melFramesPerVideoFrame))
        let activity = try VoiceActivityDetector(spectrogram: spectrogram)(logMel, videoFrameCount: t)
        return ClipFeatures(firstFrame: firstFrame, frameCount: t, cropHeight: cropHeight, cropWidth: cropWidth,
                            crops: crops, melBands: logMel.bins, mel: logMel.values, speech: activity.isSpeech)
    }

    /// Frames `range` (relative to this clip) as a window: crops `(T', 3, H, W)`, mel `(F, 4T')`, speech `(T')`.
    /// - Precondition: `range` lies inside `0..<frameCount`.
    public func window(_ range: Range<Int>) -> ClipFeatures {
        precondition(range.lowerBound >= 0 && range.upperBound <= frameCount, "window \(range) outside 0..<\(frameCount)")
        let frameSize = 3 * cropHeight * cropWidth
        let melPer = melFrames / max(frameCount, 1)
        var melOut = [Float](repeating: 0, count: melBands * range.count * melPer)
        let columns = range.count * melPer
        for band in 0..<melBands {
            let source = band * melFrames + range.lowerBound * melPer
            for c in 0..<columns { melOut[band * columns + c] = mel[source + c] }
        }
        return ClipFeatures(firstFrame: firstFrame + range.lowerBound, frameCount: range.count,
                            cropHeight: cropHeight, cropWidth: cropWidth,
                            crops: Array(crops[(range.lowerBound * frameSize)..<(range.upperBound * frameSize)]),
                            melBands: melBands, mel: melOut, speech: Array(speech[range]))
    }

    private static let spectrogramBox = SpectrogramBox()

    private static func sharedSpectrogram() throws -> LogMelSpectrogram {
        try spectrogramBox.get()
    }
}

/// One `LogMelSpectrogram` per process (its FFTW plan is immutable and shared).
private final class SpectrogramBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: LogMelSpectrogram?

    func get() throws -> LogMelSpectrogram {
        lock.lock(); defer { lock.unlock() }
        if let value { return value }
        let made = try LogMelSpectrogram()
        value = made
        return made
    }
}
