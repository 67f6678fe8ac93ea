/// Where each part of the screen goes for a terminal size.
///
/// 80×24 (the minimum) gets the compact layout: a two-row header, one-row timelines and panels of
/// 12 rows. From 120×36 the detailed layout adds a header row, 2–3-row timelines and larger panels.
public struct Layout: Sendable, Hashable {
    public static let minimum = Size(width: 80, height: 24)

    public let size: Size
    public let isDetailed: Bool
    public let header: Rect
    /// Label column, plot and value column of every timeline row, and the time axis.
    public let timelines: Rect
    /// Rows per graph timeline (sync, artifact, gate, drift).
    public let graphRows: Int
    /// The panels row: mouth, attention, log-mel (each with a title and a footer row).
    public let panels: Rect
    public let status: Rect

    /// Width of the timeline labels on the left and of the values at the cursor on the right.
    public static let labelWidth = 9
    public static let valueWidth = 9

    public init(size: Size) {
        self.size = size
        isDetailed = size.width >= 120 && size.height >= 36
        let headerRows = isDetailed ? 3 : 2
        graphRows = isDetailed ? (size.height >= 46 ? 3 : 2) : 1
        let timelineRows = 4 * graphRows + 3
        header = Rect(x: 0, y: 0, width: size.width, height: headerRows)
        timelines = Rect(x: 0, y: headerRows, width: size.width, height: timelineRows)
        status = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        panels = Rect(x: 0, y: timelines.maxY, width: size.width, height: status.y - timelines.maxY)
    }

    public var isTooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    /// The columns the timelines plot on.
    public var plot: Rect {
        Rect(x: timelines.x + Self.labelWidth, y: timelines.y,
             width: timelines.width - Self.labelWidth - Self.valueWidth - 1, height: timelines.height)
    }
}
