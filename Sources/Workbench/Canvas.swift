/// A screen-sized grid of ``Cell``s: what ``Renderer/render(_:size:)`` returns and ``Terminal`` draws.
///
/// Drawing outside the grid is clipped, so views never need to check bounds themselves.
public struct Canvas: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Cell = .blank) {
        self.size = size
        cells = Array(repeating: fill, count: max(0, size.width) * max(0, size.height))
    }

    public var width: Int { size.width }
    public var height: Int { size.height }

    /// The cell at column `x`, row `y`.
    /// - Precondition: the position lies inside the canvas.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { set(x: x, y: y, newValue) }
    }

    /// Puts a cell; positions outside the canvas are ignored.
    public mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = cell
    }

    /// Changes the style of the cell at a position, keeping its character.
    public mutating func restyle(x: Int, y: Int, _ change: (inout Style) -> Void) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        change(&cells[y * width + x].style)
    }

    /// Writes `text` from column `x` of row `y`, at most `maxWidth` columns (clipped at the right edge).
    /// - Returns: the number of columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = Style(), maxWidth: Int? = nil) -> Int {
        let limit = min(maxWidth ?? Int.max, width - x)
        var column = 0
        for character in text where column < limit {
            set(x: x + column, y: y, Cell(character, style))
            column += 1
        }
        return max(0, column)
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { set(x: x, y: y, cell) } }
    }

    /// The characters of row `y`, trailing spaces kept.
    public func line(_ y: Int) -> String {
        String(cells[(y * width)..<((y + 1) * width)].map(\.character))
    }

    /// Every row as text, top to bottom.
    public var lines: [String] { (0..<height).map(line) }

    /// The canvas as text: rows without trailing spaces, joined by newlines (what tests compare).
    public var text: String {
        lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }
}

/// A terminal size in columns and rows.
public struct Size: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }
}

/// A rectangle of cells.
public struct Rect: Sendable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}

extension String {
    /// The string cut to `width` columns, ending in `ellipsis` when cut.
    func fitted(to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        guard count > width else { return self }
        return String(prefix(width - 1)) + String(ellipsis)
    }

    /// Left-aligned in `width` columns (cut when longer).
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
