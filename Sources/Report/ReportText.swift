import Forensics
import Foundation

/// Plain-words pieces shared by the HTML and Markdown reports.
enum ReportText {
    static func verdictLine(_ a: Analysis) -> String {
        switch a.verdict.status {
        case .noSpeech: return "No speech was found, so no verdict is given."
        default:
            let word = a.isFake ? "MANIPULATED (fake)" : "GENUINE (real)"
            let p = a.manipulationProbability.map { String(format: "%.3f", $0) } ?? "—"
            return "\(word): manipulation probability \(p) against threshold \(String(format: "%.2f", a.verdict.threshold))"
                + (a.verdict.uncertain ? " — UNCERTAIN (within \(String(format: "%.2f", a.verdict.margin)) of the threshold)" : "")
        }
    }

    static func offsetLine(_ a: Analysis) -> String {
        guard let o = a.offset else { return "No offset could be measured." }
        let direction = o.offsetFrames == 0 ? "audio and video in sync" : o.offsetFrames > 0 ? "audio leads video" : "audio lags video"
        return String(format: "%+d frames (%+.0f ms, %@); confidence %.3f (median − minimum embedding distance)",
                      o.offsetFrames, o.offsetMilliseconds, direction, o.confidence)
    }

    static func segmentLine(_ s: SegmentFinder.Segment, in a: Analysis) -> String {
        String(format: "%.2f–%.2f s (frames %d–%d): %@ evidence, score %.2f", s.start, s.end, s.startFrame, s.endFrame - 1,
               s.kind == .sync ? "lip-sync" : "visual artifact", s.score)
            + (a.mouth?.region(overFrames: s.startFrame..<s.endFrame).map { "; mouth crop \($0) (x,y,w,h px)" } ?? "")
    }

    /// Where the mouth was looked for, in one line.
    static func mouthLine(_ a: Analysis) -> String {
        guard let m = a.mouth else { return "not recorded" }
        switch m.mode {
        case .wholeFrame: return "whole \(m.frameWidth)×\(m.frameHeight) frame (a mouth-centred clip)"
        case .region: return "fixed region \(m.typicalRegion?.description ?? "?") (x,y,w,h px) of the \(m.frameWidth)×\(m.frameHeight) frame"
        case .tracked:
            let followed = m.faces.filter(\.followed)
            var text = "face tracking: \(m.faces.count) face\(m.faces.count == 1 ? "" : "s") found; followed "
            text += followed.map { f in
                "face \(f.id)" + (f.speakerScore.map { String(format: " (speaker score %.2f)", $0) } ?? "")
            }.joined(separator: ", ")
            text += m.requestedFace != nil ? " as asked" : ", the one whose mouth moves with the sound"
            text += "; median mouth crop \(m.typicalRegion?.description ?? "?") of the \(m.frameWidth)×\(m.frameHeight) frame"
            if !m.framesWithoutFace.isEmpty {
                text += "; no face in frames " + m.framesWithoutFace.map { "\($0[0])–\($0[1] - 1)" }.joined(separator: ", ") + " (nearest crop held)"
            }
            if !m.sceneCuts.isEmpty { text += "; scene cuts at frames " + m.sceneCuts.map(String.init).joined(separator: ", ") }
            return text
        }
    }

    static let method: [(String, String)] = [
        ("What the model looks at", "The clip is cut into 2-second windows (50 video frames at 25 fps, 1-second hop). For each window a visual network reads the mouth region and an audio network reads the log-mel spectrogram; cross-attention lets each video frame look for the audio that matches it and the reverse; a transformer summarises the window; a separate branch looks for visual artifacts (raw pixels, frame-to-frame differences and high-frequency residue)."),
        ("Sync score", "Per frame, the model's probability that mouth and sound belong together. Low values during speech are evidence of a lip-sync manipulation. Frames without speech carry no sync evidence and are never flagged for sync."),
        ("Artifact activation", "Per frame, the artifact branch's probability that the mouth region's pixels were tampered with (blending, warping, flicker). The key frames show its spatial map in red."),
        ("Gate", "How much the fused representation relies on video (1) versus audio (0) at each frame."),
        ("Offset and drift", "Per-frame audio and visual embeddings are compared at shifts of ±15 frames (±600 ms), as SyncNet does; the shift with the smallest mean distance is the offset (positive = the audio leads the video). Drift repeats the search in sliding 1.2-second windows, so an offset that grows over the clip shows as a slope."),
        ("Cross-attention", "For the most suspicious window, each row is a video frame and each column an audio frame; dark cells show where the model looked. In a genuine clip the mass lies on the dashed diagonal; a shifted band means the matching sound is earlier or later."),
        ("Verdict", "Windows with enough speech vote; the clip's manipulation probability is the mean of the three highest window probabilities, so a short manipulated stretch is not diluted by a long genuine clip. The threshold was chosen on validation data (see the model card)."),
        ("Where the mouth is", "Ordinary video is searched for faces five times a second (a Viola–Jones detector with OpenCV's published frontal-face cascade), detections are linked into tracks and smoothed, and the mouth is cut from the lower face at the proportions measured on annotated photographs. When several faces are visible, the one whose mouth movement follows the sound is analysed; the frame map in the workbench and the crop of each flagged segment show which pixels were used."),
        ("Model-free cue", "Independently of the trained model, the mouth opening measured from the pixels is correlated with the audio loudness envelope over the same shifts; its best shift is evidence that does not depend on training."),
        ("Limits", "The shipped model was trained on a synthetic corpus (procedurally rendered mouths, espeak-ng and recorded speech) and has not been validated on real deepfakes. Treat its output as an investigative lead that the plots above let you check, not as proof."),
    ]
}
