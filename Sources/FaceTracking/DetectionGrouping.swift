/// Merges the raw windows of a multi-scale scan into one box per face, as OpenCV's
/// `groupRectangles` does: windows are similar when every edge is within
/// `eps · (min widths + min heights) / 2` of the other's; similar windows form classes (transitively),
/// each class is averaged, classes with `≤ minNeighbours` members are dropped, and a box lying inside
/// a better-supported one is dropped too.
public enum DetectionGrouping {
    public static func group(_ boxes: [FaceBox], minNeighbours: Int, eps: Double = 0.2) -> [FaceDetector.Detection] {
        guard !boxes.isEmpty else { return [] }
        // Union–find over similar pairs.
        var parent = Array(boxes.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for i in boxes.indices {
            for j in (i + 1)..<boxes.count where similar(boxes[i], boxes[j], eps: eps) {
                let a = root(i), b = root(j)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var sums: [Int: (FaceBox, Int)] = [:]
        for i in boxes.indices {
            let r = root(i)
            let b = boxes[i]
            let current = sums[r] ?? (FaceBox(x: 0, y: 0, width: 0, height: 0), 0)
            sums[r] = (FaceBox(x: current.0.x + b.x, y: current.0.y + b.y, width: current.0.width + b.width,
                               height: current.0.height + b.height), current.1 + 1)
        }
        let groups = sums.keys.sorted().compactMap { key -> FaceDetector.Detection? in
            let (sum, count) = sums[key]!
            guard count > minNeighbours else { return nil }
            let n = Double(count)
            return FaceDetector.Detection(box: FaceBox(x: sum.x / n, y: sum.y / n, width: sum.width / n, height: sum.height / n),
                                          neighbours: count)
        }
        // Drop a box inside another that has at least as much support (or when it has little itself).
        let kept = groups.enumerated().filter { i, candidate in
            !groups.enumerated().contains { j, other in
                guard i != j else { return false }
                let dx = other.box.width * eps, dy = other.box.height * eps
                let inside = candidate.box.x >= other.box.x - dx && candidate.box.y >= other.box.y - dy
                    && candidate.box.x + candidate.box.width <= other.box.x + other.box.width + dx
                    && candidate.box.y + candidate.box.height <= other.box.y + other.box.height + dy
                let smaller = candidate.box.area < other.box.area
                return inside && smaller && (other.neighbours > max(3, candidate.neighbours) || candidate.neighbours < 3)
            }
        }.map(\.element)
        return kept.sorted { $0.neighbours != $1.neighbours ? $0.neighbours > $1.neighbours : $0.box.x < $1.box.x }
    }

    static func similar(_ a: FaceBox, _ b: FaceBox, eps: Double) -> Bool {
        let delta = eps * (min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return abs(a.x - b.x) <= delta && abs(a.y - b.y) <= delta
            && abs(a.x + a.width - b.x - b.width) <= delta && abs(a.y + a.height - b.y - b.height) <= delta
    }
}
