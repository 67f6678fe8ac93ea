/// When the tracking pass searches the whole frame (for faces entering the picture) rather than
/// only around the faces it follows: at the first frame and every scene cut, then every
/// `base` frames — the interval doubling, up to `slowest`, while whole-frame searches keep finding
/// the same faces, and back to `base` as soon as the faces in view change.
public struct FullSearchSchedule: Sendable, Equatable {
    public let base: Int
    public let slowest: Int
    /// Frames from the last whole-frame search to the next.
    public private(set) var interval: Int
    public private(set) var lastSearch: Int?

    public init(base: Int, slowest: Int) {
        self.base = max(1, base)
        self.slowest = max(self.base, slowest)
        interval = self.base
    }

    /// Whether frame `frame` (a scene cut or not) gets a whole-frame search.
    public func isDue(_ frame: Int, sceneCut: Bool) -> Bool {
        guard let lastSearch, !sceneCut else { return true }
        return frame - lastSearch >= interval
    }

    /// A whole-frame search ran at `frame`; `sameFaces`: it found no face that was not followed
    /// already, and lost none.
    public mutating func searched(_ frame: Int, sameFaces: Bool) {
        interval = sameFaces && lastSearch != nil ? min(2 * interval, slowest) : base
        lastSearch = frame
    }

    /// The faces in view changed between whole-frame searches (one left, or was found anew).
    public mutating func facesChanged() {
        interval = base
    }
}
