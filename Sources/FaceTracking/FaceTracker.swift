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
/// `stillDetectEvery` frames, any other after `detectEvery` (``OpenTrack/dueFrame``); the caller
/// searches only the faces that are due, and only those can miss a round.
public struct FaceTracker: Sendable {
    public struct Options: Sendable, Equatable {
        /// Frames between detections (the caller's cadence; used to hold the last box).
        public var detectEvery = 5
        /// Frames between detections of a face that is holding still (≥ `detectEvery`).
        public var stillDetectEvery = 10
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
    /// last two detections show it holding still, else `detectEvery`.
    private func cadence(_ detections: [(frame: Int, box: FaceBox)]) -> Int {
        guard detections.count >= 2, options.stillDetectEvery > options.detectEvery else { return options.detectEvery }
        let (a, b) = (detections[detections.count - 2], detections[detections.count - 1])
        let frames = Double(b.frame - a.frame), side = max(1, b.box.width)
        guard frames > 0 else { return options.detectEvery }
        let moved = (abs(b.box.centreX - a.box.centreX) + abs(b.box.centreY - a.box.centreY) + abs(b.box.width - a.box.width)) / side
        return moved / frames * Double(options.stillDetectEvery) < options.stillMotion ? options.stillDetectEvery : options.detectEvery
    }

    /// The faces being followed (the places to look for them next).
    public var openTracks: [OpenTrack] {
        building.filter(\.open).map { OpenTrack(id: $0.id, box: $0.detections.last!.box, missed: $0.missed, dueFrame: $0.dueFrame) }
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
            let smoothed = smooth(track.detections)
            let frames = track.detections.map(\.frame)
            let first = frames[0]
            // Held until the next search would have come.
            let hold = track.open ? max(track.dueFrame, frames[frames.count - 1] + options.detectEvery) - frames[frames.count - 1]
                                  : options.detectEvery
            let last = min(frames[frames.count - 1] + hold - 1, max(frameCount - 1, frames[frames.count - 1]))
            var boxes: [FaceBox] = []
            boxes.reserveCapacity(last - first + 1)
            var k = 0
            for f in first...last {
                while k + 1 < frames.count, frames[k + 1] <= f { k += 1 }
                if k + 1 < frames.count {
                    let a = frames[k], b = frames[k + 1]
                    let u = Double(f - a) / Double(b - a)
                    let p = smoothed[k], q = smoothed[k + 1]
                    boxes.append(FaceBox(x: p.x + (q.x - p.x) * u, y: p.y + (q.y - p.y) * u,
                                         width: p.width + (q.width - p.width) * u, height: p.height + (q.height - p.height) * u))
                } else {
                    boxes.append(smoothed[k])
                }
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

    /// Robust local line fit of centre, width and height: for each detection, a Theil–Sen fit over
    /// its neighbours (±`smoothingRadius` detections) — the slope is the median of pairwise slopes,
    /// the value the median of the neighbours carried along that slope — so steady motion is kept
    /// exactly, uneven spacing (gaps) does not bias it, and one bad detection cannot move the crop.
    private func smooth(_ detections: [(frame: Int, box: FaceBox)]) -> [FaceBox] {
        let r = options.smoothingRadius
        let t = detections.map { Double($0.frame) }
        let series = [detections.map(\.box.centreX), detections.map(\.box.centreY), detections.map(\.box.width), detections.map(\.box.height)]
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        return detections.indices.map { i in
            let window = max(0, i - r)...min(detections.count - 1, i + r)
            let fitted = series.map { v -> Double in
                var slopes: [Double] = []
                for a in window { for b in window where b > a && t[b] > t[a] { slopes.append((v[b] - v[a]) / (t[b] - t[a])) } }
                let slope = slopes.isEmpty ? 0 : median(slopes)
                return median(window.map { v[$0] - slope * (t[$0] - t[i]) })
            }
            return FaceBox(centreX: fitted[0], centreY: fitted[1], width: fitted[2], height: fitted[3])
        }
    }
}
