import Testing
@testable import FaceTracking

@Suite struct FaceTrackerTests {
    @Test func linksDetectionsSmoothsAnOutlierAndBridgesAGap() {
        var tracker = FaceTracker()
        // A face moving right 2 px per frame, detected every 5 frames; one detection is off by 30 px;
        // frames 30 and 35 miss it (occlusion).
        for frame in stride(from: 0, through: 60, by: 5) {
            var boxes: [FaceBox] = []
            if frame != 30 && frame != 35 {
                let shift = frame == 20 ? 30.0 : 0
                boxes.append(FaceBox(x: 100 + 2 * Double(frame) + shift, y: 50, width: 80, height: 80))
            }
            if frame == 10 { boxes.append(FaceBox(x: 400, y: 300, width: 30, height: 30)) }  // a stray false detection
            tracker.observe(frame: frame, detections: boxes)
        }
        let tracks = tracker.tracks(frameCount: 65)
        #expect(tracks.count == 1)  // the stray one is dropped (one detection)
        let track = tracks[0]
        #expect(track.firstFrame == 0 && track.lastFrame == 64)
        #expect(track.interpolatedFrames == [26..<40])
        // The outlier at frame 20 is removed by the running median; positions follow the motion.
        for frame in [0, 17, 20, 33, 50] {
            let box = track.box(at: frame)!
            #expect(abs(box.x - (100 + 2 * Double(frame))) < 1.5, "frame \(frame): \(box)")
        }
    }

    @Test func aStillFaceIsDueLessOftenAndOnlyASearchedFaceCanMiss() throws {
        var tracker = FaceTracker()
        let still = FaceBox(x: 100, y: 100, width: 60, height: 60)
        tracker.observe(frame: 0, detections: [still, FaceBox(x: 300, y: 100, width: 60, height: 60)])
        #expect(tracker.openTracks.map(\.dueFrame) == [5, 5])
        // Frame 5: the first face has not moved, the second moved 6 px (0.1 side in 5 frames).
        tracker.observe(frame: 5, detections: [still, FaceBox(x: 306, y: 100, width: 60, height: 60)])
        #expect(tracker.openTracks.map(\.dueFrame) == [15, 10])
        // Frame 10: only the moving face is due and searched; it is not found. The still one is
        // not searched, so it does not miss the round.
        tracker.observe(frame: 10, detections: [], searched: [1])
        let open = tracker.openTracks
        #expect(open.map(\.missed) == [0, 1] && open.map(\.dueFrame) == [15, 15])
        tracker.observe(frame: 15, detections: [still, FaceBox(x: 318, y: 100, width: 60, height: 60)])
        let tracks = tracker.tracks(frameCount: 20)
        #expect(tracks.count == 2)
        #expect(tracks[0].interpolatedFrames.isEmpty)  // never missed: 5…15 is not a gap
        #expect(tracks[1].interpolatedFrames == [6..<15])
        // The still face's box is held until its next search would have come (frame 24 → clip end).
        #expect(tracks[0].lastFrame == 19)
    }

    @Test func aSceneCutStartsNewTracksAndTwoFacesStaySeparate() {
        var tracker = FaceTracker()
        for frame in stride(from: 0, to: 50, by: 5) {
            let cut = frame == 25
            let first = frame < 25 ? FaceBox(x: 100, y: 100, width: 60, height: 60) : FaceBox(x: 104, y: 100, width: 60, height: 60)
            tracker.observe(frame: frame, detections: [first, FaceBox(x: 300, y: 120, width: 50, height: 50)], sceneCut: cut)
        }
        let tracks = tracker.tracks(frameCount: 50)
        #expect(tracks.count == 4)
        #expect(tracks.allSatisfy { $0.frames == 0...24 || $0.frames == 25...49 })
    }

    /// Boxes read as frames stream past (each frame once it is settled) are exactly the finished
    /// tracks' boxes: a moving face, a still one that is missed now and then, one that leaves,
    /// stray detections and a scene cut.
    @Test func settledBoxesAreTheFinishedTracksBoxes() {
        var tracker = FaceTracker()
        var seed: UInt64 = 12345
        func noise() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 33) / Double(1 << 31) * 4 - 2
        }
        let frameCount = 230
        var streamed: [Int: [Int: FaceBox]] = [:]
        var nextUnread = 0
        for frame in 0..<frameCount {
            let cut = frame == 150
            if frame % 5 == 0 || cut {
                var boxes: [FaceBox] = []
                let shift = 60 * (Double(frame) / 40).rounded(.down).truncatingRemainder(dividingBy: 2)
                boxes.append(FaceBox(x: 100 + 1.5 * Double(frame % 150) + noise(), y: 80 + shift / 6 + noise(), width: 70 + noise(), height: 70))
                if frame % 35 != 10 { boxes.append(FaceBox(x: 400 + noise(), y: 200 + noise(), width: 50, height: 50)) }
                if (40..<120).contains(frame) { boxes.append(FaceBox(x: 250 + noise(), y: 300, width: 40 + noise(), height: 40)) }
                if frame % 45 == 20 { boxes.append(FaceBox(x: 20, y: 20 + Double(frame), width: 24, height: 24)) }
                tracker.observe(frame: frame, detections: boxes, sceneCut: cut)
            }
            let settled = tracker.firstUnsettledFrame(after: frame)
            #expect(settled >= nextUnread && settled <= frame + 1)
            while nextUnread < settled {
                for (id, box) in tracker.settledBoxes(at: nextUnread) { streamed[id, default: [:]][nextUnread] = box }
                nextUnread += 1
            }
        }
        while nextUnread < frameCount {
            for (id, box) in tracker.settledBoxes(at: nextUnread, frameCount: frameCount) { streamed[id, default: [:]][nextUnread] = box }
            nextUnread += 1
        }
        let tracks = tracker.tracks(frameCount: frameCount)
        let numbers = tracker.trackNumbers
        #expect(tracks.count >= 4)
        var compared = 0
        for (id, number) in numbers {
            let track = tracks[number]
            let boxes = streamed[id] ?? [:]
            #expect(Set(boxes.keys) == Set(track.frames), "track \(number)")
            for frame in track.frames where boxes[frame] != nil {
                #expect(boxes[frame]! == track.box(at: frame)!, "track \(number) frame \(frame)")
                compared += 1
            }
        }
        #expect(compared == tracks.reduce(0) { $0 + $1.boxes.count })
    }

    @Test func wholeFrameSearchesSpreadOutWhileTheSameFacesStayAndComeBackWhenTheyChange() {
        var schedule = FullSearchSchedule(base: 100, slowest: 300)
        var searches: [Int] = []
        for frame in 0..<1500 {
            let cut = frame == 1000
            guard schedule.isDue(frame, sceneCut: cut) else {
                if frame == 1250 { schedule.facesChanged() }  // a face left between searches: due at once
                continue
            }
            searches.append(frame)
            // A new face at the search of frame 600.
            schedule.searched(frame, sameFaces: frame != 600 && !cut)
        }
        #expect(searches == [0, 100, 300, 600, 700, 900, 1000, 1100, 1251, 1451])
    }

    @Test func intersectionOverUnion() {
        let a = FaceBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersectionOverUnion(a) == 1)
        #expect(abs(a.intersectionOverUnion(FaceBox(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150) < 1e-12)
        #expect(a.intersectionOverUnion(FaceBox(x: 20, y: 20, width: 5, height: 5)) == 0)
    }

    @Test func groupingMergesNeighboursAndDropsLoneWindows() {
        var raw = (0..<5).map { FaceBox(x: 100 + Double($0), y: 100, width: 50, height: 50) }
        raw.append(FaceBox(x: 400, y: 10, width: 40, height: 40))
        let faces = DetectionGrouping.group(raw, minNeighbours: 3)
        #expect(faces.count == 1 && faces[0].neighbours == 5 && abs(faces[0].box.x - 102) < 1e-9)
    }

    @Test func resizingAndThumbnailsAgreeWithAPlainLoop() {
        let image = GrayImage(width: 7, height: 5, pixels: (0..<35).map { UInt8($0 * 7) })
        let resized = image.resized(width: 3, height: 2)
        // Plain bilinear with centres aligned.
        for y in 0..<2 {
            for x in 0..<3 {
                let fx = min(max((Double(x) + 0.5) * 7 / 3 - 0.5, 0), 6), fy = min(max((Double(y) + 0.5) * 5 / 2 - 0.5, 0), 4)
                let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, 6), y1 = min(y0 + 1, 4)
                let ax = fx - Double(x0), ay = fy - Double(y0)
                let v = (1 - ay) * ((1 - ax) * Double(image[x0, y0]) + ax * Double(image[x1, y0])) + ay * ((1 - ax) * Double(image[x0, y1]) + ax * Double(image[x1, y1]))
                #expect(abs(Double(resized[x, y]) - v) <= 1, "(\(x), \(y))")
            }
        }
        let thumb = GrayImage(width: 4, height: 2, pixels: [0, 10, 20, 30, 40, 50, 60, 70]).thumbnail(width: 2, height: 1)
        #expect(thumb.pixels == [25, 45])
        let integral = IntegralImage(image)
        #expect(integral.sum(x: 2, y: 1, width: 3, height: 2) == UInt32([9, 10, 11, 16, 17, 18].map { $0 * 7 }.reduce(0, +)))
        let pixels: [UInt32] = [9, 10, 11, 16, 17, 18].map { UInt32($0 * 7) }
        let squares: UInt32 = pixels.map { $0 * $0 }.reduce(0, +)
        #expect(integral.squareSum(x: 2, y: 1, width: 3, height: 2) == squares)
        // The 32-bit tables wrap on a large bright image; window sums stay exact.
        let bright = IntegralImage(GrayImage(width: 1200, height: 1000, pixels: [UInt8](repeating: 255, count: 1_200_000)))
        let windowSquares: UInt32 = 255 * 255 * 576, total: UInt32 = 255 * 1_200_000
        #expect(bright.squareSum(x: 1100, y: 900, width: 24, height: 24) == windowSquares)
        #expect(bright.sum(x: 0, y: 0, width: 1200, height: 1000) == total)
    }
}

@Suite struct ResizedPartTests {
    @Test func aPartOfAResizedImageIsThoseSamePixels() {
        let values: [UInt8] = (0..<(37 * 23)).map { (i: Int) -> UInt8 in UInt8((i * 37 + i / 7) % 256) }
        let image = GrayImage(width: 37, height: 23, pixels: values)
        for (w, h) in [(30, 19), (37, 23), (15, 9)] {
            let whole = image.resized(width: w, height: h)
            let columns = 3..<(w - 2), rows = 2..<(h - 1)
            let part = image.resized(width: w, height: h, columns: columns, rows: rows)
            #expect(part.width == columns.count && part.height == rows.count)
            var differing = 0
            for y in rows { for x in columns where part[x - columns.lowerBound, y - rows.lowerBound] != whole[x, y] { differing += 1 } }
            #expect(differing == 0, "\(w)×\(h): \(differing) pixels differ")
        }
    }
}
