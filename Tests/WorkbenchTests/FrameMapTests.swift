@testable import Forensics
import Foundation
import Media
import Testing
@testable import Workbench

@Suite struct FrameMapTests {
    /// A tracked 1280×720 clip: face 0 at the left (not followed), face 1 in the middle (followed),
    /// the mouth region moving right by 4 px per frame.
    static func trackedAnalysis() -> Analysis {
        var analysis = Fixtures.analysis()
        let regions = (0..<Fixtures.frames).map { RegionOfInterest(x: 600 + 4 * $0, y: 400, width: 100, height: 100) }
        analysis.mouth = MouthLocation(
            mode: .tracked, frameWidth: 1280, frameHeight: 720,
            faces: [MouthLocation.Face(id: 0, firstFrame: 0, lastFrame: 74, detections: 15, typicalBox: [100, 200, 150, 150], speakerScore: 0.05, followed: false),
                    MouthLocation.Face(id: 1, firstFrame: 0, lastFrame: 74, detections: 15, typicalBox: [560, 250, 260, 260], speakerScore: 0.4, followed: true)],
            requestedFace: nil, framesWithoutFace: [], sceneCuts: [], regions: RegionTrack(firstFrame: 0, regions: regions))
        return analysis
    }

    @Test func theMapShowsTheFacesAndTheMouthRegionAtTheCursor() {
        let size = Size(width: 120, height: 40)
        let early = Renderer.render(Fixtures.finishedState(cursor: 0, analysis: Self.trackedAnalysis()), size: size)
        let late = Renderer.render(Fixtures.finishedState(cursor: 74, analysis: Self.trackedAnalysis()), size: size)
        #expect(early.lines.contains { $0.contains("mouth f0 · face 1") })
        // The mouth region is drawn as full blocks, and it moves right with the track.
        // Only the mouth panel: the rows below its title, the columns before the attention panel.
        func blockColumns(_ canvas: Canvas) -> [Int] {
            guard let title = canvas.lines.firstIndex(where: { $0.hasPrefix("mouth f") }) else { return [] }
            let panelWidth = canvas.lines[title].firstIndex(of: "│").map { canvas.lines[title].distance(from: canvas.lines[title].startIndex, to: $0) } ?? 40
            return canvas.lines[(title + 1)...].flatMap { line in
                line.enumerated().filter { $0.offset < panelWidth && $0.element == "█" }.map(\.offset)
            }
        }
        let before = blockColumns(early), after = blockColumns(late)
        #expect(!before.isEmpty && !after.isEmpty)
        #expect((after.min() ?? 0) > (before.min() ?? 0))
        // Both faces' numbers are on the map.
        #expect(early.lines.contains { $0.contains("0─") } && early.lines.contains { $0.contains("1─") })
    }

    @Test func aMouthCentredClipHasNoMap() {
        let canvas = Renderer.render(Fixtures.finishedState(cursor: 0), size: Size(width: 120, height: 40))
        #expect(!canvas.lines.contains { $0.contains("· face") })
    }
}
