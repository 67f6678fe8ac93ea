import Foundation
import Testing
@testable import Workbench

@Suite struct ReducerTests {
    /// Presses keys through the key table, as the session does.
    func press(_ keys: [Key], _ state: inout WorkbenchState) -> [Effect] {
        var effects: [Effect] = []
        for key in keys {
            if let action = KeyTable.action(for: key, in: state) { effects += Reducer.reduce(&state, action) }
        }
        return effects
    }

    @Test func framesAndSecondsStepAndClamp() {
        var state = Fixtures.finishedState(cursor: 0)
        _ = press([.left], &state)
        #expect(state.cursor == 0)
        _ = press([.right, .character("l"), .pageDown], &state)
        #expect(state.cursor == 27)
        _ = press([.character("L"), .character("L")], &state)
        #expect(state.cursor == 74)
        _ = press([.character("H")], &state)
        #expect(state.cursor == 49)
        _ = press([.home], &state)
        #expect(state.cursor == 0)
        _ = press([.character("G")], &state)
        #expect(state.cursor == 74)
    }

    @Test func segmentJumps() {
        let two = Fixtures.analysis()
        var analysis = two
        analysis.segments.append(.init(startFrame: 65, endFrame: 72, score: 0.7, kind: .artifact))
        var state = Fixtures.finishedState(cursor: 0, analysis: analysis)
        _ = press([.character("n")], &state)
        #expect(state.cursor == 40)
        _ = press([.character("]")], &state)
        #expect(state.cursor == 65)
        _ = press([.character("n")], &state)
        #expect(state.cursor == 65)
        #expect(state.message?.text == "no flagged segment after this frame")
        _ = press([.character("N")], &state)
        #expect(state.cursor == 40)
        #expect(state.message == nil)
    }

    @Test func zoomIsBounded() {
        var state = Fixtures.finishedState()
        _ = press([.character("-")], &state)
        #expect(state.zoom == 0)
        _ = press(Array(repeating: .character("+"), count: 20), &state)
        #expect(state.zoom == Reducer.maximumZoom)
        #expect(state.visibleFrames.count == 10) // never fewer than ten frames
    }

    @Test func headsCycleThroughMeanAndEachHead() {
        var state = Fixtures.finishedState()
        var seen: [Int?] = []
        for _ in 0..<5 {
            _ = press([.character("e")], &state)
            seen.append(state.attentionView.head)
        }
        #expect(seen == [0, 1, 2, 3, nil])
        _ = press([.character("E")], &state)
        #expect(state.attentionView.head == 3)
        _ = press([.character("a")], &state)
        #expect(state.attentionView.direction == .audioToVideo)
        _ = press([.tab], &state)
        #expect(state.attentionView.direction == .videoToAudio)
    }

    @Test func headsNeedAnAnalysis() {
        var state = WorkbenchState(file: "x.mp4", frameCount: 75)
        _ = press([.character("e")], &state)
        #expect(state.attentionView.head == nil)
        #expect(state.message?.text == "no attention maps yet")
    }

    @Test func bookmarkPromptTypesEditsAndLogs() {
        var state = Fixtures.finishedState(cursor: 30)
        _ = press([.character("b")], &state)
        #expect(state.prompt?.frame == 30)
        // While typing, keys are text: q and ? do not quit or open help.
        _ = press([.character("q"), .character("?"), .character("x"), .backspace, .character(" ")], &state)
        #expect(state.prompt?.text == "q? ")
        #expect(!state.isFinished && !state.showsHelp)
        _ = press([.enter], &state)
        #expect(state.prompt == nil)
        #expect(state.bookmarks == [.init(frame: 30, note: "q?")])
        #expect(state.log.last?.text == "bookmark frame 30 (1.20 s): q?")
        // Esc cancels without a bookmark.
        _ = press([.right, .character("b"), .character("z"), .escape], &state)
        #expect(state.bookmarks.count == 1)
        #expect(state.log.count == 1)
        // Bookmarking the same frame again replaces its note.
        _ = press([.left, .character("b"), .backspace, .backspace, .character("k"), .enter], &state)
        #expect(state.bookmarks == [.init(frame: 30, note: "k")])
    }

    @Test func helpClosesWithAnyKeyAndQuitStillQuits() {
        var state = Fixtures.finishedState(cursor: 10)
        _ = press([.character("?")], &state)
        #expect(state.showsHelp)
        _ = press([.right], &state)
        #expect(!state.showsHelp && state.cursor == 10)
        _ = press([.character("?"), .character("q")], &state)
        #expect(state.isFinished)
    }

    @Test func exportAsksTheSessionAndReportsTheOutcome() {
        var state = Fixtures.finishedState()
        #expect(press([.character("r")], &state) == [.exportReport])
        _ = Reducer.reduce(&state, .reportUnavailable)
        #expect(state.message == .init("report export not available in this build", kind: .warning))
        #expect(state.log.isEmpty)
        _ = Reducer.reduce(&state, .reportExported(URL(fileURLWithPath: "/tmp/r.html")))
        #expect(state.message?.text == "report written to /tmp/r.html")
        #expect(state.log.last?.text == "exported report /tmp/r.html")
    }

    @Test func mediaIsRequestedOncePerWindow() {
        var state = WorkbenchState(file: "x.mp4", frameCount: 75)
        #expect(Reducer.reduce(&state, .jumpToFrame(0)) == [.loadMedia(0..<50)])
        #expect(Reducer.reduce(&state, .stepFrames(1)) == [])
        // Frame 40 is nearer the centre of the window starting at 25.
        #expect(Reducer.reduce(&state, .jumpToFrame(40)) == [.loadMedia(25..<75)])
        _ = Reducer.reduce(&state, .mediaLoaded(Fixtures.media(frames: 25..<75)))
        #expect(Reducer.reduce(&state, .stepFrames(1)) == [])
        #expect(Reducer.reduce(&state, .jumpToFrame(3)) == [.loadMedia(0..<50)])
    }

    @Test func analysisUpdatesTheClipLengthAndKeepsTheCursorInside() {
        var state = WorkbenchState(file: "x.mp4", frameCount: 80)
        _ = Reducer.reduce(&state, .jumpToFrame(79))
        _ = Reducer.reduce(&state, .analysisProgress(done: 50, total: 80))
        #expect(state.phase == .analysing(done: 50, total: 80))
        _ = Reducer.reduce(&state, .analysisFinished(Fixtures.analysis()))
        #expect(state.phase == .finished)
        #expect(state.frameCount == 75 && state.cursor == 74)
    }
}
