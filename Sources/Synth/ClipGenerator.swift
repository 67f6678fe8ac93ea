import Foundation
import Media

/// Settings of the synthetic corpus.
public struct SynthConfiguration: Codable, Equatable, Sendable {
    /// Frames per clip (25 fps).
    public var frames: Int = 75
    /// Side of the square mouth-centred frames.
    public var size: Int = 128
    /// Kinds to make; genuine clips make up `genuineFraction` when genuine is among them.
    public var kinds: [ManipulationKind] = ManipulationKind.allCases
    public var genuineFraction: Double = 0.5
    /// Probability that a clip gets background noise, and the SNR range in dB.
    public var noiseProbability: Double = 0.7
    public var snrRange: ClosedRange<Double> = 0...30
    public var crfRange: ClosedRange<Int> = 18...32
    public var preset: String = "veryfast"
    /// Probability that a clip's speech is recorded speech (`RecordedSpeech`) rather than
    /// espeak-ng: 0.3 where recordings are installed, else 0. It has no effect when
    /// `recordedSpeech` says none are available.
    public var recordedSpeechFraction: Double
    /// The recordings this machine had when the settings were made (written to corpus.json).
    public var recordedSpeech: RecordedSpeechInventory
    /// Which speakers clips may use; nil means `.all` (and keeps corpus.json as before the split existed).
    public var speakers: SpeakerSplit?
    /// Which copy of the Asterisk prompts recorded speech uses; nil means `.telephone` (and keeps
    /// corpus.json as before the choice existed).
    public private(set) var prompts: PromptRecordings?
    /// The copy of the prompts in use: ``prompts``, or `.telephone` where it is nil.
    public var promptRecordings: PromptRecordings { prompts ?? .telephone }

    /// Default settings, with recorded speech from the copy of the Asterisk prompts `prompts`
    /// names and the inventory of what this machine has of it.
    public init(prompts: PromptRecordings = .telephone) {
        self.prompts = prompts == .telephone ? nil : prompts
        recordedSpeech = RecordedSpeech.inventory(prompts)
        recordedSpeechFraction = recordedSpeech.available ? 0.3 : 0
    }

    /// Version of the generator: changes whenever the same seed would give different clips.
    public static let generatorVersion = "synth-2"
}

/// A clip before encoding.
public struct SyntheticClip: Sendable {
    public var frames: [RGBImage]
    /// 16 kHz mono, exactly `frames.count · 640` samples.
    public var audio: [Float]
    /// The genuine soundtrack before manipulation and noise (for checking labels).
    public var originalAudio: [Float]
    public var entry: ManifestEntry
}

/// Makes one labelled clip from a seed: speech, mouth track, rendering and the
/// manipulation of its kind.
public enum ClipGenerator {
    static let voices = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan"]
    static let variants = ["", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7", "+f1", "+f2", "+f3", "+f4", "+f5",
                           "+klatt", "+klatt2", "+klatt3", "+croak", "+whisper", "+Andy", "+Annie", "+Denis", "+Jacky",
                           "+john", "+linda", "+max", "+michel", "+Mr serious", "+paul", "+steph", "+travis"]
    static let rate = TimeConventions.audioSampleRate

    /// Generates clip `index` of the corpus seeded by `seed`.
    public static func make(index: Int, seed: UInt64, configuration: SynthConfiguration) throws -> SyntheticClip {
        let clipSeed = SeededRandom(seed: seed, stream: UInt64(index)).peek
        var random = SeededRandom(seed: clipSeed)
        let kind = chooseKind(configuration, &random)
        let frameCount = configuration.frames
        let duration = Double(frameCount) / Double(TimeConventions.videoFPS)

        // Speech long enough for the window and for shifted or stretched reads around it.
        let margin = 0.8
        try configuration.checkRecordedSpeech()
        let recordedFraction = configuration.effectiveRecordedSpeechFraction
        let split = configuration.speakers ?? .all, prompts = configuration.promptRecordings
        let primary = recordedFraction > 0 && random.chance(recordedFraction)
            ? try RecordedSpeech.track(seconds: duration + 2 * margin, split: split, prompts: prompts, using: &random)
            : try speakLongEnough(seconds: duration + 2 * margin, split: split, using: &random)
        let start = random.uniform(margin, primary.duration - duration - margin)
        let lead = random.uniform(0, 0.06)
        let appearance = FaceAppearance.random(using: &random)
        let renderer = MouthRenderer(size: configuration.size, appearance: appearance)
        let coarticulation = Coarticulation(phonemes: primary.phonemes)
        let poses = (0..<frameCount).map { n in
            coarticulation.pose(at: start + (Double(n) + 0.5) / Double(TimeConventions.videoFPS) + lead)
        }
        var noiseRandom = SeededRandom(seed: random.next())
        var frames = poses.enumerated().map { n, pose in
            renderer.render(pose: pose, at: Double(n) / Double(TimeConventions.videoFPS), noise: &noiseRandom)
        }
        let samples = frameCount * TimeConventions.samplesPerVideoFrame
        var audio = primary.read(from: start, count: samples)
        let originalAudio = audio
        var entry = ManifestEntry(
            path: String(format: "clips/%06d.mp4", index), label: kind.isFake ? 1 : 0, kind: kind, offsetFrames: nil, segment: nil,
            frameSync: Array(repeating: 1, count: frameCount), frameArtifact: Array(repeating: 0, count: frameCount),
            frames: frameCount, speech: primary.source(start: start), otherSpeech: nil, noise: nil, snrDB: nil,
            crf: random.integer(configuration.crfRange), visualLeadMs: (lead * 1000 * 10).rounded() / 10, driftRate: nil,
            seed: clipSeed, generator: SynthConfiguration.generatorVersion)

        switch kind {
        case .genuine:
            break
        case .offset:
            let magnitude = random.integer(2...15)
            let shift = random.chance(0.5) ? magnitude : -magnitude
            // Positive: audio leads video, so the audio shows what the mouth says `shift` frames later.
            audio = primary.read(from: start + Double(shift) / Double(TimeConventions.videoFPS), count: samples)
            entry.offsetFrames = shift
            entry.frameSync = Array(repeating: 0, count: frameCount)
        case .dub:
            let other = try otherSpeech(for: primary, seconds: duration + 0.4, split: split, prompts: prompts, using: &random)
            let otherStart = random.uniform(0.1, other.duration - duration - 0.1)
            audio = other.read(from: otherStart, count: samples)
            entry.otherSpeech = other.source(start: otherStart)
            entry.frameSync = Array(repeating: 0, count: frameCount)
        case .partial:
            let other = try otherSpeech(for: primary, seconds: duration + 0.4, split: split, prompts: prompts, using: &random)
            let otherStart = random.uniform(0.1, other.duration - duration - 0.1)
            let length = random.uniform(0.5, min(1.5, duration - 0.6))
            let segmentStart = random.uniform(0.2, duration - length - 0.2)
            let first = Int((segmentStart * Double(TimeConventions.videoFPS)).rounded())
            let last = Int(((segmentStart + length) * Double(TimeConventions.videoFPS)).rounded())
            let replacement = other.read(from: otherStart, count: samples)
            audio = splice(audio, replacement, from: first * TimeConventions.samplesPerVideoFrame, to: last * TimeConventions.samplesPerVideoFrame)
            entry.otherSpeech = other.source(start: otherStart)
            entry.segment = [first, last]
            for t in first..<last { entry.frameSync[t] = 0 }
        case .drift:
            let amount = random.uniform(0.02, 0.05)
            let factor = random.chance(0.5) ? 1 + amount : 1 / (1 + amount)
            let sourceCount = Int((Double(samples) * factor).rounded()) + 64
            let stretched = try SampleRateConverter.convert(primary.read(from: start, count: sourceCount),
                                                            from: Int((Double(rate) * factor).rounded()), to: rate)
            audio = fit(stretched, count: samples)
            entry.driftRate = (factor * 10_000).rounded() / 10_000
            for t in 0..<frameCount where abs((factor - 1) * (Double(t) + 0.5)) >= 1 { entry.frameSync[t] = 0 }
            entry.offsetFrames = Int(((factor - 1) * (Double(frameCount) - 0.5)).rounded())
        case .lipsync:
            let other = try otherSpeech(for: primary, seconds: duration + 0.4, split: split, prompts: prompts, using: &random)
            let otherStart = random.uniform(0.1, other.duration - duration - 0.1)
            audio = other.read(from: otherStart, count: samples)
            let otherTrack = Coarticulation(phonemes: other.phonemes)
            let articulation = random.uniform(0.55, 0.9)
            var lag = 0
            let fakePoses = (0..<frameCount).map { n -> MouthPose in
                if random.chance(0.15) { lag = random.integer(0...2) }
                let t = otherStart + (Double(n - lag) + 0.5) / Double(TimeConventions.videoFPS) + lead
                return otherTrack.pose(at: t).articulated(articulation)
            }
            let blend = LipSyncBlend.random(using: &random)
            var fakeNoise = SeededRandom(seed: random.next())
            for n in 0..<frameCount {
                let time = Double(n) / Double(TimeConventions.videoFPS)
                let generated = renderer.render(pose: fakePoses[n], at: time, noise: &fakeNoise)
                frames[n] = blend.composite(original: frames[n], generated: generated, renderer: renderer, at: time, frame: n, using: &random)
            }
            entry.otherSpeech = other.source(start: otherStart)
            entry.frameArtifact = Array(repeating: 1, count: frameCount)
        case .flicker:
            let length = random.integer(12...min(37, frameCount - 4))
            let first = random.integer(2...(frameCount - length - 2))
            let tamper = FrameTampering.random(using: &random)
            for n in first..<(first + length) {
                frames[n] = tamper.apply(to: frames[n], renderer: renderer, at: Double(n) / Double(TimeConventions.videoFPS), frame: n)
            }
            entry.segment = [first, first + length]
            for t in first..<(first + length) { entry.frameArtifact[t] = 1 }
        }

        if random.chance(configuration.noiseProbability) {
            let noiseKind = random.pick(NoiseKind.allCases)
            let snr = random.uniform(configuration.snrRange.lowerBound, configuration.snrRange.upperBound)
            let noise = try makeNoise(noiseKind, count: samples, split: split, using: &random)
            audio = NoiseMixer.mix(speech: audio, noise: noise, snr: snr, sampleRate: rate)
            entry.noise = noiseKind
            entry.snrDB = (snr * 10).rounded() / 10
        }
        let peak = audio.map { abs($0) }.max() ?? 0
        if peak > 0.99 { audio = audio.map { $0 * 0.99 / peak } }
        return SyntheticClip(frames: frames, audio: audio, originalAudio: originalAudio, entry: entry)
    }

    private static func chooseKind(_ configuration: SynthConfiguration, _ random: inout SeededRandom) -> ManipulationKind {
        let fakes = configuration.kinds.filter(\.isFake)
        let hasGenuine = configuration.kinds.contains(.genuine)
        if fakes.isEmpty { return .genuine }
        if hasGenuine, random.chance(configuration.genuineFraction) { return .genuine }
        return random.pick(fakes)
    }

    /// A random voice espeak-ng has.
    static func randomVoice(split: SpeakerSplit, using random: inout SeededRandom) throws -> VoiceSettings {
        let bases = split.voices(voices)
        var name = random.pick(bases) + random.pick(variants)
        if try !SpeechSynthesizer.hasVoice(name) { name = random.pick(bases) }
        return VoiceSettings(name: name, rate: random.integer(120...220), pitch: random.integer(25...75), range: random.integer(20...80))
    }

    static func speakLongEnough(seconds: Double, voice: VoiceSettings? = nil, split: SpeakerSplit,
                                using random: inout SeededRandom) throws -> SpeechTrack {
        let settings = try voice ?? randomVoice(split: split, using: &random)
        var words = Int(seconds * Double(settings.rate) / 60 * 1.2) + 4
        while true {
            let text = SentenceGenerator.passage(words: words, using: &random)
            let utterance = try SpeechSynthesizer.speak(text, voice: settings)
            if utterance.duration >= seconds { return try SpeechTrack(utterance) }
            words = words * 3 / 2 + 2
        }
    }

    /// A second utterance: the same voice half the time, so a dub is not given away by the voice.
    /// A recorded primary gets other recordings (of the same speaker, as a rule).
    static func otherSpeech(for primary: SpeechTrack, seconds: Double, split: SpeakerSplit, prompts: PromptRecordings,
                            using random: inout SeededRandom) throws -> SpeechTrack {
        if primary.source == "recorded" {
            return try RecordedSpeech.track(seconds: seconds, excluding: Set(primary.files ?? []), split: split, prompts: prompts,
                                            using: &random)
        }
        let voice = try random.chance(0.5) ? primary.voice : randomVoice(split: split, using: &random)
        return try speakLongEnough(seconds: seconds, voice: voice, split: split, using: &random)
    }

    static func makeNoise(_ kind: NoiseKind, count: Int, split: SpeakerSplit, using random: inout SeededRandom) throws -> [Float] {
        switch kind {
        case .white: return NoiseMixer.white(count: count, using: &random)
        case .pink: return NoiseMixer.pink(count: count, using: &random)
        case .hum: return NoiseMixer.hum(count: count, sampleRate: rate, using: &random)
        case .babble:
            var sum = [Float](repeating: 0, count: count)
            for _ in 0..<3 {
                let talker = try speakLongEnough(seconds: Double(count) / Double(rate) + 0.5, split: split, using: &random)
                let part = talker.read(from: random.uniform(0, max(0, talker.duration - Double(count) / Double(rate))), count: count)
                for i in 0..<count { sum[i] += part[i] }
            }
            return NoiseMixer.normalised(sum)
        }
    }

    /// `base` with `[from, to)` taken from `replacement`, with 5 ms cross-fades at the seams.
    static func splice(_ base: [Float], _ replacement: [Float], from: Int, to: Int) -> [Float] {
        var out = base
        let fade = rate / 200
        for i in max(0, from - fade)..<min(out.count, to + fade) {
            let weight: Float
            if i < from { weight = Float(i - (from - fade)) / Float(fade) }
            else if i >= to { weight = 1 - Float(i - to) / Float(fade) }
            else { weight = 1 }
            out[i] = base[i] * (1 - weight) + replacement[i] * weight
        }
        return out
    }

    static func fit(_ samples: [Float], count: Int) -> [Float] {
        samples.count >= count ? Array(samples.prefix(count)) : samples + [Float](repeating: 0, count: count - samples.count)
    }
}

/// An utterance resampled to 16 kHz, with its phonemes.
struct SpeechTrack {
    let samples: [Float]
    let phonemes: [TimedPhoneme]
    let voice: VoiceSettings
    let text: String
    /// "espeak-ng" or "recorded".
    let source: String
    /// Recordings used ("<package>:<path>"), nil for espeak-ng.
    let files: [String]?

    init(_ utterance: Utterance) throws {
        samples = try SampleRateConverter.convert(utterance.samples, from: utterance.sampleRate, to: TimeConventions.audioSampleRate)
        phonemes = utterance.phonemes
        voice = utterance.voice
        text = utterance.text
        source = "espeak-ng"
        files = nil
    }

    var duration: Double { Double(samples.count) / Double(TimeConventions.audioSampleRate) }

    /// `count` samples from `seconds` (silence outside the utterance).
    func read(from seconds: Double, count: Int) -> [Float] {
        let first = Int((seconds * Double(TimeConventions.audioSampleRate)).rounded())
        return (0..<count).map { i in
            let j = first + i
            return j >= 0 && j < samples.count ? samples[j] : 0
        }
    }

    func source(start: Double) -> SpeechSource {
        SpeechSource(source: source, voice: voice, text: text, files: files, startSeconds: (start * 1000).rounded() / 1000)
    }
}

extension SeededRandom {
    /// The next value without advancing a copy's owner (used to derive a clip's seed).
    var peek: UInt64 {
        var copy = self
        return copy.next()
    }
}
