import ArgumentParser
import Dispatch
import Foundation
import Synth

/// `syncdefense synth`: the synthetic audio-visual speech corpus.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make a labelled synthetic corpus of talking-mouth clips (genuine and manipulated).",
        discussion: """
        Writes DIR/clips/*.mp4 (H.264/AAC, 25 fps, 16 kHz), DIR/manifest.jsonl (one line per clip \
        with its exact labels) and DIR/corpus.json. The same seed gives the same manifest and audio. \
        Ctrl-C stops after the clips in progress; running the same command again resumes.
        """
    )

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Number of clips.")
    var count: Int

    @Option(help: "Seed of the whole corpus.")
    var seed: UInt64 = 1

    @Option(help: "Comma-separated kinds: \(ManipulationKind.allCases.map(\.rawValue).joined(separator: ",")).")
    var kinds: String = ManipulationKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("snr-range"), help: "Background-noise SNR range in dB, as LOW:HIGH.")
    var snrRange: String = "0:30"

    @Option(name: .customLong("noise-probability"), help: "Fraction of clips that get background noise.")
    var noiseProbability: Double = 0.7

    @Option(name: .customLong("genuine-fraction"), help: "Fraction of genuine clips.")
    var genuineFraction: Double = 0.5

    @Option(name: .customLong("recorded-speech-fraction"),
            help: "Fraction of clips whose speech is a recorded voice (Debian's asterisk and pocketsphinx recordings) instead of espeak-ng; default 0.3 where the recordings are installed.")
    var recordedSpeechFraction: Double?

    @Option(help: "Which copy of Allison Smith's Asterisk prompts recorded speech uses: telephone (8 kHz, asterisk-core-sounds-en-wav; every corpus before this option) or wideband (the same recordings as 16 kHz G.722, asterisk-core-sounds-en-g722).")
    var prompts: String = "telephone"

    @Option(help: "Frames per clip (25 fps).")
    var frames: Int = 75

    @Option(help: "Side of the square frames, pixels.")
    var size: Int = 128

    @Option(help: "Speakers: all, training (5 espeak-ng voices + the Asterisk recordings) or heldout (2 other voices + the LibriVox reader), so an evaluation split uses voices training never heard.")
    var speakers: String = "all"

    @Option(help: "Clips made in parallel.")
    var jobs: Int = min(64, ProcessInfo.processInfo.activeProcessorCount)

    func validate() throws {
        guard count > 0, count <= 1_000_000 else { throw ValidationError("--count must be 1…1000000") }
        guard (50...1500).contains(frames) else { throw ValidationError("--frames must be 50…1500 (2–60 s)") }
        guard (32...512).contains(size), size % 2 == 0 else { throw ValidationError("--size must be an even number 32…512") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1…64") }
        guard (0...1).contains(noiseProbability), (0...1).contains(genuineFraction), (0...1).contains(recordedSpeechFraction ?? 0) else {
            throw ValidationError("--noise-probability, --genuine-fraction and --recorded-speech-fraction must be in 0…1")
        }
        _ = try parsedKinds()
        _ = try parsedSNR()
        guard PromptRecordings(rawValue: prompts) != nil else {
            throw ValidationError("--prompts must be one of \(PromptRecordings.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard SpeakerSplit(rawValue: speakers) != nil else {
            throw ValidationError("--speakers must be one of \(SpeakerSplit.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func parsedKinds() throws -> [ManipulationKind] {
        let names = kinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = try names.map { name -> ManipulationKind in
            guard let kind = ManipulationKind(rawValue: name) else {
                throw ValidationError("--kinds: unknown kind '\(name)'; choose from \(ManipulationKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
        guard !parsed.isEmpty else { throw ValidationError("--kinds is empty") }
        return parsed
    }

    func parsedSNR() throws -> ClosedRange<Double> {
        let parts = snrRange.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 2, parts[0] <= parts[1], parts[0] > -30, parts[1] < 100 else {
            throw ValidationError("--snr-range must be LOW:HIGH in dB, e.g. 0:30")
        }
        return parts[0]...parts[1]
    }

    func run() async throws {
        var configuration = SynthConfiguration(prompts: PromptRecordings(rawValue: prompts) ?? .telephone)
        configuration.frames = frames
        configuration.size = size
        configuration.kinds = try parsedKinds()
        configuration.snrRange = try parsedSNR()
        configuration.noiseProbability = noiseProbability
        configuration.genuineFraction = genuineFraction
        let split = SpeakerSplit(rawValue: speakers) ?? .all
        configuration.speakers = split == .all ? nil : split
        if configuration.promptRecordings == .wideband && !configuration.recordedSpeech.packages.contains(PromptRecordings.wideband.package) {
            throw ValidationError("--prompts wideband needs the G.722 prompts (asterisk-core-sounds-en-g722): run scripts/install-deps.sh")
        }
        if let recordedSpeechFraction {
            guard recordedSpeechFraction == 0 || configuration.recordedSpeech.available else {
                throw ValidationError("--recorded-speech-fraction needs the recordings: \(configuration.recordedSpeech.reason ?? "not installed"); run scripts/install-deps.sh")
            }
            configuration.recordedSpeechFraction = recordedSpeechFraction
        }
        let writer = CorpusWriter(folder: URL(fileURLWithPath: out), count: count, seed: seed,
                                  configuration: configuration, jobs: jobs)
        let interrupt = InterruptFlag()
        let progress = ProgressLine(label: "clips", total: count)
        let summary = try writer.run(shouldStop: { interrupt.isSet }, progress: { done, total in progress.update(done, of: total) })
        progress.finish()
        if summary.stopped {
            printError("stopped after \(summary.made) new clips; run the same command again to resume")
            throw ExitCode(130)
        }
        printError(String(format: "made %d clips, reused %d, in %.1f s (%.2f clips/s); manifest sha256 %@",
                          summary.made, summary.reused, summary.seconds,
                          summary.seconds > 0 ? Double(summary.made) / summary.seconds : 0, summary.manifestSHA256 ?? "-"))
        try JSONOutput.print(summary)
    }
}
