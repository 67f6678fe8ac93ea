/// Links per-frame face detections into tracks.
///
/// Detections arrive every few frames (``observe(frame:detections:sceneCut:searched:)``). Each is matched to
/// the open track whose last box overlaps it most (intersection over union ≥ `matchOverlap`, or a
/// centre within a third of the box side at a similar size, for fast motion); unmatched detections
/// open new tracks. A track that misses more than `maxMissedDetections` rounds in a row ends, and a
/// scene cut ends every track. ``tracks(frameCount:)`` then smooths each track's boxes (a robust
/// Theil–Sen line through `2·smoothingRadius + 1` detections, so one bad detection cannot move the
/// crop and steady motion does not lag), interpolates linearly between detections — so a face lost for a few frames is
/// bridged — and holds the last box until the next detection would have come.
///
/// **Cadence per face.** A face that barely moved between its last two detections (less than
/// `stillMotion` of its side over `stillDetectEvery` frames, extrapolated) is due again after
/// `stillDetectEvery` frames — after `slowestDetectEvery` once it also held still over such a
/// longer interval — any other after `detectEvery` (``OpenTrack/dueFrame``); the caller
/// searches only the faces that are due, and only those can miss a round.
public struct FaceTracker: Sendable {
    public struct Options: Sendable, Equatable {
        /// Frames between detections (the caller's cadence; used to hold the last box).
        public var detectEvery = 5
        /// Frames between detections of a face that is holding still (≥ `detectEvery`).
        public var stillDetectEvery = 10
        /// Frames between detections of a face that held still over an interval of
        /// `stillDetectEvery` or more (≥ `stillDetectEvery`).
        public var slowestDetectEvery = 20
        /// Largest movement (centre and size change, in face sides) over `stillDetectEvery` frames
        /// that counts as holding still.
        public var stillMotion = 0.05
        public var matchOverlap = 0.25
        /// Detection rounds a face may be missing before its track ends.
        public var maxMissedDetections = 6
        /// Tracks with fewer detections are dropped as false detections.
        public var minimumDetections = 3
        public var smoothingRadius = 2

        public init() {}
    }

    private struct Building {
        var id: Int
        var detections: [(frame: Int, box: FaceBox)]
        var missed = 0
        var open = true
        /// Frames of searches that did not find this face.
        var missedFrames: [Int] = []
        /// When the face should be looked for next.
        var dueFrame: Int
        /// `(frame, value)` from ``FaceTracker/sample(frame:_:)``.
        var samples: [(frame: Int, value: Float)] = []
    }

    public let options: Options
    private var building: [Building] = []
    private var nextID = 0

    public init(options: Options = Options()) {
        self.options = options
    }

    /// A face being followed: where it was last found, how many searches since have missed it,
    /// and when it is due to be searched again.
    public struct OpenTrack: Sendable, Equatable {
        public var id: Int
        public var box: FaceBox
        public var missed: Int
        public var dueFrame: Int
        /// Held still between its last two detections (searched at a slower cadence) and found
        /// at its last search: it will be found close to `box`.
        public var isStill: Bool
    }

    /// Boxes the detector found in `frame` (frame pixels). Frames must arrive in increasing order.
    /// - Parameters:
    ///   - sceneCut: the picture changed completely since the previous observed frame.
    ///   - searched: the ``OpenTrack/id``s of the faces looked for (around which the detector
    ///     searched); nil = the whole frame, every face. Only a searched face can miss the round;
    ///     a detection may still join any open track.
    public mutating func observe(frame: Int, detections: [FaceBox], sceneCut: Bool = false, searched: Set<Int>? = nil) {
        if sceneCut { for i in building.indices { building[i].open = false } }
        var pairs: [(score: Double, track: Int, detection: Int)] = []
        for (t, track) in building.enumerated() where track.open {
            let last = track.detections.last!.box
            for (d, box) in detections.enumerated() {
                let overlap = last.intersectionOverUnion(box)
                let dx = box.centreX - last.centreX, dy = box.centreY - last.centreY
                let near = (dx * dx + dy * dy).squareRoot() < last.width / 3 && (0.7...1.4).contains(box.width / last.width)
                if overlap >= options.matchOverlap || near { pairs.append((overlap + (near ? 0.01 : 0), t, d)) }
            }
        }
        var usedTracks = Set<Int>(), usedDetections = Set<Int>()
        for pair in pairs.sorted(by: { $0.score > $1.score }) where !usedTracks.contains(pair.track) && !usedDetections.contains(pair.detection) {
            usedTracks.insert(pair.track)
            usedDetections.insert(pair.detection)
            building[pair.track].detections.append((frame, detections[pair.detection]))
            building[pair.track].missed = 0
            building[pair.track].dueFrame = frame + cadence(building[pair.track].detections)
        }
        for t in building.indices where building[t].open && !usedTracks.contains(t) && (searched?.contains(building[t].id) ?? true) {
            building[t].missed += 1
            building[t].missedFrames.append(frame)
            building[t].dueFrame = frame + options.detectEvery
            if building[t].missed > options.maxMissedDetections { building[t].open = false }
        }
        for (d, box) in detections.enumerated() where !usedDetections.contains(d) {
            building.append(Building(id: nextID, detections: [(frame, box)], dueFrame: frame + options.detectEvery))
            nextID += 1
        }
    }

    /// Frames until the next search for a face with these detections: `stillDetectEvery` when its
    /// last two detections show it holding still (`slowestDetectEvery` when they were that far
    /// apart already), else `detectEvery`.
    private func cadence(_ detections: [(frame: Int, box: FaceBox)]) -> Int {
        guard detections.count >= 2, options.stillDetectEvery > options.detectEvery else { return options.detectEvery }
        let (a, b) = (detections[detections.count - 2], detections[detections.count - 1])
        let frames = Double(b.frame - a.frame), side = max(1, b.box.width)
        guard frames > 0 else { return options.detectEvery }
        let moved = (abs(b.box.centreX - a.box.centreX) + abs(b.box.centreY - a.box.centreY) + abs(b.box.width - a.box.width)) / side
        guard moved / frames * Double(options.stillDetectEvery) < options.stillMotion else { return options.detectEvery }
        return b.frame - a.frame >= options.stillDetectEvery ? max(options.stillDetectEvery, options.slowestDetectEvery) : options.stillDetectEvery
    }

    /// The faces being followed (the places to look for them next).
    public var openTracks: [OpenTrack] {
        building.filter(\.open).map { track in
            let last = track.detections[track.detections.count - 1].frame
            return OpenTrack(id: track.id, box: track.detections.last!.box, missed: track.missed, dueFrame: track.dueFrame,
                             isStill: track.missed == 0 && track.dueFrame - last > options.detectEvery)
        }
    }

    /// Records `measure(box)` for every open track at `frame`, with the box of its latest
    /// detection (a per-frame signal such as mouth motion, read while the frames stream past).
    public mutating func sample(frame: Int, _ measure: (FaceBox) -> Float) {
        for i in building.indices where building[i].open {
            building[i].samples.append((frame, measure(building[i].detections.last!.box)))
        }
    }

    /// The finished tracks of a clip of `frameCount` frames, numbered 0, 1, … by first appearance.
    public func tracks(frameCount: Int) -> [FaceTrack] {
        let kept = building.filter { $0.detections.count >= options.minimumDetections }
        return kept.enumerated().map { number, track in
            let smoothed = track.detections.indices.map { smoothedBox(track.detections, at: $0) }
            let frames = track.detections.map(\.frame)
            let first = frames[0]
            let last = lastFrame(of: track, frameCount: frameCount)
            var boxes: [FaceBox] = []
            boxes.reserveCapacity(last - first + 1)
            var k = 0
            for f in first...last {
                while k + 1 < frames.count, frames[k + 1] <= f { k += 1 }
                boxes.append(k + 1 < frames.count ? Self.interpolated(from: frames[k], smoothed[k], to: frames[k + 1], smoothed[k + 1], at: f)
                                                  : smoothed[k])
            }
            // Bridged: the stretches between two detections with a search that missed the face.
            var gaps: [Range<Int>] = []
            for (a, b) in zip(frames, frames.dropFirst()) where track.missedFrames.contains(where: { $0 > a && $0 < b }) {
                gaps.append((a + 1)..<b)
            }
            var samples = [Float](repeating: .nan, count: boxes.count)
            for (frame, value) in track.samples where frame >= first && frame <= last { samples[frame - first] = value }
            return FaceTrack(id: number, firstFrame: first, boxes: boxes, detectedFrames: frames, interpolatedFrames: gaps,
                             samples: samples)
        }
    }

    /// The ``FaceTrack/id`` that ``tracks(frameCount:)`` will give each ``OpenTrack/id`` it keeps
    /// (a track with too few detections is dropped and has none).
    public var trackNumbers: [Int: Int] {
        var numbers: [Int: Int] = [:]
        for track in building where track.detections.count >= options.minimumDetections { numbers[track.id] = numbers.count }
        return numbers
    }

    // MARK: Settled frames (for work that follows the tracks while the frames stream past)

    /// Every frame before this one is **settled** after frame `current` was observed and
    /// sampled: its box in every track is what ``tracks(frameCount:)`` will give, whatever the later
    /// frames bring. A box is smoothed over `smoothingRadius` detections on either side and
    /// interpolated between two detections, so an open track settles `smoothingRadius + 1`
    /// detections behind its latest one; a new track can only begin after `current`.
    public func firstUnsettledFrame(after current: Int) -> Int {
        var first = current + 1
        for track in building where track.open {
            let n = track.detections.count - 1
            let settledUpTo = n - options.smoothingRadius >= 0 ? track.detections[n - options.smoothingRadius].frame : track.detections[0].frame
            first = min(first, settledUpTo)
        }
        return first
    }

    /// The box of every track that covers `frame`, keyed by ``OpenTrack/id``: exactly the box
    /// ``tracks(frameCount:)`` will hold for it.
    /// - Parameters:
    ///   - frame: a settled frame (before ``firstUnsettledFrame(after:)``), or any frame once the clip has ended.
    ///   - frameCount: nil while frames still arrive; the clip's frame count once they have ended.
    public func settledBoxes(at frame: Int, frameCount: Int? = nil) -> [(id: Int, box: FaceBox)] {
        var found: [(id: Int, box: FaceBox)] = []
        for track in building {
            let detections = track.detections
            let firstDetection = detections[0].frame, lastDetection = detections[detections.count - 1].frame
            guard frame >= firstDetection else { continue }
            if !track.open && detections.count < options.minimumDetections { continue }
            if let frameCount {
                guard frame <= lastFrame(of: track, frameCount: frameCount) else { continue }
            } else if !track.open {
                // A closed track's hold is decided; a settled frame lies before the clip's end, so
                // the end cannot shorten it.
                guard frame <= max(lastDetection + options.detectEvery - 1, lastDetection) else { continue }
            }
            // The last detection at or before `frame` (binary search: a track can hold thousands).
            var k = 0
            var low = 0, high = detections.count - 1
            while low <= high {
                let middle = (low + high) / 2
                if detections[middle].frame <= frame { k = middle; low = middle + 1 } else { high = middle - 1 }
            }
            let box = k + 1 < detections.count
                ? Self.interpolated(from: detections[k].frame, smoothedBox(detections, at: k),
                                    to: detections[k + 1].frame, smoothedBox(detections, at: k + 1), at: frame)
                : smoothedBox(detections, at: k)
            found.append((track.id, box))
        }
        return found
    }

    /// The last frame of a track in a clip of `frameCount` frames: its last detection's box is held
    /// until the next search would have come.
    private func lastFrame(of track: Building, frameCount: Int) -> Int {
        let last = track.detections[track.detections.count - 1].frame
        let hold = track.open ? max(track.dueFrame, last + options.detectEvery) - last : options.detectEvery
        return min(last + hold - 1, max(frameCount - 1, last))
    }

    /// The box at `frame` between the smoothed boxes `p` at frame `a` and `q` at frame `b` (a < b).
    private static func interpolated(from a: Int, _ p: FaceBox, to b: Int, _ q: FaceBox, at frame: Int) -> FaceBox {
        let u = Double(frame - a) / Double(b - a)
        return FaceBox(x: p.x + (q.x - p.x) * u, y: p.y + (q.y - p.y) * u,
                       width: p.width + (q.width - p.width) * u, height: p.height + (q.height - p.height) * u)
    }

    /// Robust local line fit of centre, width and height at detection `i`: a Theil–Sen fit over its
    /// neighbours (±`smoothingRadius` detections) — the slope is the median of pairwise slopes,
    /// the value the median of the neighbours carried along that slope — so steady motion is kept
    /// exactly, uneven spacing (gaps) does not bias it, and one bad detection cannot move the crop.
    private func smoothedBox(_ detections: [(frame: Int, box: FaceBox)], at i: Int) -> FaceBox {
        let r = options.smoothingRadius
        let window = max(0, i - r)...min(detections.count - 1, i + r)
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let t = window.map { Double(detections[$0].frame) }
        let ti = Double(detections[i].frame)
        let series: [[Double]] = [window.map { detections[$0].box.centreX }, window.map { detections[$0].box.centreY },
                                  window.map { detections[$0].box.width }, window.map { detections[$0].box.height }]
        let fitted = series.map { v -> Double in
            var slopes: [Double] = []
            for a in v.indices { for b in v.indices where b > a && t[b] > t[a] { slopes.append((v[b] - v[a]) / (t[b] - t[a])) } }
            let slope = slopes.isEmpty ? 0 : median(slopes)
            return median(v.indices.map { v[$0] - slope * (t[$0] - ti) })
        }
        return FaceBox(centreX: fitted[0], centreY: fitted[1], width: fitted[2], height: fitted[3])
    }
}
