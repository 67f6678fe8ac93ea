import ArgumentParser
import Features
import Foundation
import Media

/// `syncdefense features FILE`: the model's inputs as NumPy files.
struct FeaturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write the log-mel (80, T_a) and mouth crops (T, 3, H, W) of a file as float32 .npy.",
        discussion: """
        Frames are resampled to 25 fps and scaled to [0, 1]; the log-mel is librosa's \
        melspectrogram(sr=16000, n_fft=512, hop_length=160, win_length=400, n_mels=80, \
        fmax=8000, norm="slaney") followed by log(mel + 1e-6). With --frames-out the audio \
        covers exactly the frames read (T·640 samples, so T_a = 4T + 1).
        """
    )

    @Argument(help: "The media file.")
    var file: String

    @Option(name: .customLong("mel-out"), help: "Where to write the log-mel .npy.")
    var melOut: String?

    @Option(name: .customLong("frames-out"), help: "Where to write the mouth crops .npy.")
    var framesOut: String?

    @Option(name: .customLong("vad-out"), help: "Where to write the voice-activity mask (T,) as 0/1 float32 .npy.")
    var vadOut: String?

    @OptionGroup var region: RegionOptions
    @OptionGroup var limits: MediaLimitOptions

    func validate() throws {
        if melOut == nil && framesOut == nil && vadOut == nil {
            throw ValidationError("give at least one of --mel-out, --frames-out, --vad-out")
        }
        if region.roi != nil && framesOut == nil {
            throw ValidationError("--roi selects the mouth crops: give --frames-out too")
        }
    }

    /// What the command wrote, printed as JSON.
    struct Summary: Encodable {
        var file: String
        var firstFrame: Int
        var frames: Int?
        var framesShape: [Int]?
        var framesOut: String?
        var melShape: [Int]?
        var melOut: String?
        var speechFrames: Int?
        var speechFraction: Double?
        var vadOut: String?

        enum CodingKeys: String, CodingKey {
            case file
            case firstFrame = "first_frame"
            case frames
            case framesShape = "frames_shape"
            case framesOut = "frames_out"
            case melShape = "mel_shape"
            case melOut = "mel_out"
            case speechFrames = "speech_frames"
            case speechFraction = "speech_fraction"
            case vadOut = "vad_out"
        }
    }

    func run() async throws {
        // Probing first applies every limit, whichever streams are then read.
        _ = try MediaProbe.probe(file, limits: limits.limits)
        let spectrogram = try LogMelSpectrogram()
        var summary = Summary(file: file, firstFrame: 0)
        let audio: [Float]
        let needsAudio = melOut != nil || vadOut != nil
        if let framesOut {
            let options = VideoReadOptions(range: region.range, region: try region.region,
                                           outputSize: .init(width: region.cropSize, height: region.cropSize),
                                           limits: limits.limits)
            guard needsAudio else {
                // Frames only: a video without sound is fine.
                let frames = try VideoReader(path: file, options: options).readAll()
                guard let first = frames.first else { throw MediaError.noFramesDecoded(path: file, stream: "video frame in the requested range") }
                let shape = [frames.count, 3, region.cropSize, region.cropSize]
                let values = frames.flatMap { $0.image.planarFloats() }
                try NPYFile.write(try NPYArray(shape: shape, values: values), to: URL(fileURLWithPath: framesOut))
                summary.firstFrame = first.index
                summary.frames = frames.count
                summary.framesShape = shape
                summary.framesOut = framesOut
                try JSONOutput.print(summary)
                return
            }
            let clip = try Clip.load(path: file, options: options)
            let shape = [clip.frameCount, 3, region.cropSize, region.cropSize]
            try NPYFile.write(try NPYArray(shape: shape, values: clip.planarFrames()), to: URL(fileURLWithPath: framesOut))
            summary.firstFrame = clip.firstFrameIndex
            summary.frames = clip.frameCount
            summary.framesShape = shape
            summary.framesOut = framesOut
            audio = clip.audio
        } else {
            audio = try AudioReader(path: file, options: AudioReadOptions(range: region.range, limits: limits.limits)).readAll()
            summary.firstFrame = Int((region.start * Double(TimeConventions.videoFPS)).rounded(.up))
        }
        guard !audio.isEmpty else { throw MediaError.noFramesDecoded(path: file, stream: "audio in the requested range") }
        let mel = try spectrogram(audio)
        if let melOut {
            try NPYFile.write(NPYArray(mel), to: URL(fileURLWithPath: melOut))
            summary.melShape = [mel.bins, mel.frames]
            summary.melOut = melOut
        }
        let speech = try VoiceActivityDetector(spectrogram: spectrogram)(mel, videoFrameCount: summary.frames)
        summary.speechFrames = speech.isSpeech.filter { $0 }.count
        summary.speechFraction = speech.speechFraction
        if let vadOut {
            let mask = speech.isSpeech.map { $0 ? Float(1) : 0 }
            try NPYFile.write(try NPYArray(shape: [mask.count], values: mask), to: URL(fileURLWithPath: vadOut))
            summary.vadOut = vadOut
        }
        try JSONOutput.print(summary)
    }
}
