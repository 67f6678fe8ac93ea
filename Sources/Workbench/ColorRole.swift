/// What a colour means on the workbench. The ``Theme`` maps each role to a terminal colour.
public enum ColorRole: String, Sendable, Hashable, CaseIterable {
    case title, muted, accent, border
    /// Per-frame sync at or above 0.5, and below it.
    case inSync, offSync
    case artifact, gate, drift, speech
    /// Flagged segments on the timeline.
    case flagged
    case cursor, bookmark
    /// The perfect-sync diagonal of an attention map, and each row's attention peak.
    case diagonal, peak
    case progress, warning, error
}
