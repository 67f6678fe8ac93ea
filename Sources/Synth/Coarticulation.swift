import Foundation

/// Turns timed phonemes into a mouth-pose track with coarticulation (Cohen–Massaro
/// dominance functions): each viseme pulls the pose toward its target with a
/// weight that decays exponentially away from its centre, so neighbouring sounds
/// blend and lip closures still close.
public struct Coarticulation: Sendable {
    /// A viseme target placed in time.
    public struct Segment: Equatable, Sendable {
        public var viseme: Viseme
        public var centre: Double
        public var halfWidth: Double
    }

    public let segments: [Segment]
    /// Decay rate of dominance per second away from a segment's edge.
    public var decay: Double = 28

    /// Places each phoneme's visemes inside its interval.
    /// - Parameter phonemes: Timed phonemes (seconds on the speech timeline).
    public init(phonemes: [TimedPhoneme]) {
        var segments: [Segment] = []
        for phoneme in phonemes {
            let visemes = Viseme.sequence(forIPA: phoneme.symbol)
            let length = (phoneme.end - phoneme.start) / Double(visemes.count)
            for (index, viseme) in visemes.enumerated() {
                let start = phoneme.start + Double(index) * length
                segments.append(Segment(viseme: viseme, centre: start + length / 2, halfWidth: length / 2))
            }
        }
        self.segments = segments
    }

    /// The mouth pose at time `t` (seconds on the speech timeline). Before the
    /// first and after the last phoneme the mouth rests.
    public func pose(at t: Double) -> MouthPose {
        var total = MouthPose(open: 0, spread: 0, round: 0, teeth: 0, tongue: 0)
        var weight = 0.0
        // Silence around the utterance has its own dominance.
        let restWeight = 0.05
        total = total + Viseme.rest.target * restWeight
        weight += restWeight
        for segment in segments {
            let distance = max(0, abs(t - segment.centre) - segment.halfWidth)
            if distance > 0.25 { continue }
            let w = segment.viseme.dominance * exp(-decay * distance)
            total = total + segment.viseme.target * w
            weight += w
        }
        return total * (1 / weight)
    }
}
