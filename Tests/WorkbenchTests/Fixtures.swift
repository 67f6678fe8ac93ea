@testable import Forensics
import Foundation
@testable import Workbench

/// Hand-built analyses with known content, so a test can say where a band, a peak or a value must be.
enum Fixtures {
    static let frames = 75
    static let windowFrames = 50
    static let heads = 4

    /// A finished analysis of a 3 s clip.
    /// - Parameters:
    ///   - offset: the clip's AV offset (positive = audio leads); the v→a attention peaks at key `q − offset`.
    ///   - segment: a flagged sync segment, frames `segment`.
    ///   - artifactHot: frames whose artifact map is hot in its top-left quarter.
    static func analysis(offset: Int = 3, segment: Range<Int>? = 40..<60, probability: Float = 0.973,
                         threshold: Float = 0.5, artifactHot: Range<Int> = 0..<0) -> Analysis {
        let plan = try! WindowPlan(frameCount: frames, windowFrames: windowFrames, hopFrames: 25)
        let status: Verdict.Status = probability >= threshold ? .fake : .real
        let verdict = Verdict(status: status, manipulationProbability: probability, threshold: threshold, margin: 0.1,
                              uncertain: abs(probability - threshold) < 0.1, windowProbabilities: [probability, probability],
                              windowVotes: [true, true],
                              aggregation: .init(method: "top_k_mean", k: 2, votingWindows: 2, totalWindows: 2, minimumSpeechFraction: 0.25))
        let offsetResult = OffsetSearch.Result(offsetFrames: offset, offsetMilliseconds: Double(offset * 40), shifts: [], meanDistances: [],
                                               minimumDistance: 0.2, medianDistance: 0.6, confidence: 0.4, perFrameConfidence: [])
        let sync = (0..<frames).map { f in segment?.contains(f) == true ? Float(0.1) : Float(0.9) }
        let artifact = (0..<frames).map { artifactHot.contains($0) ? Float(0.8) : Float(0.05) }
        let gate = [Float](repeating: 0.7, count: frames)
        let drift = stride(from: 0, through: frames - 30, by: 5).map {
            DriftCurve.Point(start: $0, end: $0 + 30, centerSeconds: Double($0 + 15) / 25, offsetFrames: offset,
                             offsetMilliseconds: Double(offset * 40), confidence: 0.3)
        }
        let segments = segment.map { [SegmentFinder.Segment(startFrame: $0.lowerBound, endFrame: $0.upperBound, score: 0.69, kind: .sync)] } ?? []
        var analysis = Analysis(verdict: verdict, clip: Analysis.ClipInfo(plan: plan), offset: offsetResult, drift: drift,
                                segments: segments, timelines: .init(sync: sync, gate: gate, artifact: artifact),
                                modelFreeCue: ModelFreeCue.Result(bestShiftFrames: offset, bestShiftMilliseconds: Double(offset * 40),
                                                                  correlation: 0.38, shifts: [], correlations: []),
                                provenance: .init(inputSHA256: String(repeating: "ab", count: 32), weightsSHA256: String(repeating: "34", count: 32),
                                                  version: "0.1.0", preset: "compact"))
        let speech = (0..<frames).map { $0 >= 5 }
        analysis.speech = speech
        let attention = plan.windows.map { window in
            Explanations.WindowAttention(window: window.index, start: window.start, frames: windowFrames, heads: heads,
                                         videoToAudio: shiftedAttention(shift: -offset), audioToVideo: shiftedAttention(shift: offset))
        }
        let (h, w) = (12, 12)
        var maps = [Float](repeating: -4, count: frames * h * w)
        for f in artifactHot { for y in 0..<(h / 2) { for x in 0..<(w / 2) { maps[(f * h + y) * w + x] = 4 } } }
        analysis.explanations = Explanations(attention: attention, artifactMapHeight: h, artifactMapWidth: w, artifactMaps: maps,
                                             mouthOpening: [Float](repeating: 0.3, count: frames), speech: speech)
        return analysis
    }

    /// `heads × W × W` attention where query `q` puts almost all its weight on key `q + shift` (clamped).
    static func shiftedAttention(shift: Int) -> [Float] {
        var values = [Float](repeating: 0.1 / Float(windowFrames), count: heads * windowFrames * windowFrames)
        for h in 0..<heads {
            for q in 0..<windowFrames {
                let k = min(windowFrames - 1, max(0, q + shift))
                values[(h * windowFrames + q) * windowFrames + k] = 0.9
            }
        }
        return values
    }

    /// Grey crops with a dark mouth in the middle; log-mel rising with the band.
    static func media(frames range: Range<Int>, crop: Int = 48) -> WindowMedia {
        let plane = crop * crop
        var crops = [UInt8](repeating: 150, count: range.count * 3 * plane)
        for t in 0..<range.count {
            for y in (crop / 3)..<(2 * crop / 3) { for x in (crop / 4)..<(3 * crop / 4) { for c in 0..<3 { crops[t * 3 * plane + c * plane + y * crop + x] = 30 } } }
        }
        let bands = 80, melFrames = 4 * range.count
        let mel = (0..<(bands * melFrames)).map { Float($0 / melFrames) / 8 - 5 }
        return WindowMedia(frames: range, cropHeight: crop, cropWidth: crop, crops: crops, melBands: bands, mel: mel)
    }

    /// A state with the analysis finished, the cursor at `cursor` and the window's media loaded.
    static func finishedState(cursor: Int = 37, display: DisplayOptions = DisplayOptions(), analysis: Analysis = analysis()) -> WorkbenchState {
        var state = WorkbenchState(file: "Samples/offset.mp4", frameCount: frames, windowFrames: windowFrames, hopFrames: 25,
                                   preset: "compact", weightsFile: "/work/corpus/dev-weights.safetensors", display: display)
        _ = Reducer.reduce(&state, .analysisFinished(analysis))
        _ = Reducer.reduce(&state, .jumpToFrame(cursor))
        _ = Reducer.reduce(&state, .mediaLoaded(media(frames: state.currentWindow.frames)))
        return state
    }

    static let compact = Size(width: 80, height: 24)
    static let large = Size(width: 160, height: 50)
}

extension Canvas {
    /// The rows whose text starts with `label` (timeline rows).
    func row(labelled label: String) -> Int? {
        lines.firstIndex { $0.hasPrefix(label + " ") }
    }

    /// Every position of `character` in row `y`.
    func columns(of character: Character, inRow y: Int) -> [Int] {
        (0..<width).filter { self[$0, y].character == character }
    }
}
