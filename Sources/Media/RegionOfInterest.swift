import Foundation

/// A rectangle in the displayed (rotation-corrected) frame, in pixels.
public struct RegionOfInterest: Equatable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Parses `x,y,w,h` (non-negative integers, positive size).
    /// - Throws: ``MediaError/invalidArgument(_:)`` naming the text that did not parse.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3],
              x >= 0, y >= 0, w > 0, h > 0
        else {
            throw MediaError.invalidArgument("--roi '\(text)': expected x,y,w,h with x,y ≥ 0 and w,h > 0 (pixels)")
        }
        self.init(x: x, y: y, width: w, height: h)
    }

    public var description: String { "\(x),\(y),\(width),\(height)" }

    /// Whether the region lies entirely inside a `width`×`height` frame.
    public func isInside(width frameWidth: Int, height frameHeight: Int) -> Bool {
        x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= frameWidth && y + height <= frameHeight
    }

    /// The same pixels expressed in the coordinates of the stored (un-rotated) frame.
    ///
    /// - Parameters:
    ///   - rotation: Clockwise rotation applied for display (0, 90, 180 or 270).
    ///   - storedWidth: Width of the frame as coded.
    ///   - storedHeight: Height of the frame as coded.
    func storedRegion(rotation: Int, storedWidth: Int, storedHeight: Int) -> RegionOfInterest {
        switch rotation {
        case 90:
            // displayed (x', y') shows stored (x = y', y = H−1−x')
            return RegionOfInterest(x: y, y: storedHeight - x - width, width: height, height: width)
        case 180:
            return RegionOfInterest(x: storedWidth - x - width, y: storedHeight - y - height, width: width, height: height)
        case 270:
            // displayed (x', y') shows stored (x = W−1−y', y = x')
            return RegionOfInterest(x: storedWidth - y - height, y: x, width: height, height: width)
        default:
            return self
        }
    }
}
