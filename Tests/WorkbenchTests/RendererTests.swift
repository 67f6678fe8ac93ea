import Foundation
import Testing
@testable import Workbench

@Suite struct RendererTests {
    @Test func compactScreenShowsVerdictOffsetAndCursor() {
        let canvas = Renderer.render(Fixtures.finishedState(cursor: 37), size: Fixtures.compact)
        let lines = canvas.lines
        #expect(lines.count == 24 && lines.allSatisfy { $0.count == 80 })
        #expect(lines[0].contains("offset.mp4"))
        #expect(lines[0].contains("3.00 s · 75 fr"))
        #expect(lines[0].contains("FAKE p 0.973"))
        #expect(!lines[0].contains("UNCERTAIN"))
        #expect(lines[1].contains("AV offset +3 fr (+120 ms, audio leads video)"))
        #expect(lines[1].contains("weights compact"))
        #expect(lines[23].contains("frame 37/75"))
        #expect(lines[23].contains("1.48 s"))
        for label in ["sync", "artifact", "gate v/a", "drift", "voice", "flagged", "time"] {
            #expect(canvas.row(labelled: label) != nil, "timeline \(label)")
        }
        // Every part fits on the classic terminal: panel titles and the peak line.
        #expect(canvas.text.contains("mouth f37"))
        #expect(canvas.text.contains("attention v→a mean w1/2") || canvas.text.contains("attention v→a mean w2/2"))
        #expect(canvas.text.contains("log-mel"))
        #expect(canvas.text.contains("peak +3 fr audio leads"))
    }

    @Test func stepsMoveTheCursorOnScreen() {
        var state = Fixtures.finishedState(cursor: 37)
        for key in [Key.right, .right, .character("l")] {
            if let action = KeyTable.action(for: key, in: state) { _ = Reducer.reduce(&state, action) }
        }
        let canvas = Renderer.render(state, size: Fixtures.compact)
        #expect(canvas.lines[23].contains("frame 40/75"))
        // The axis marker sits on the column of frame 40.
        let plot = Layout(size: Fixtures.compact).plot
        let axis = TimeAxis(visible: state.visibleFrames, columns: plot.width)
        let timeRow = canvas.row(labelled: "time")!
        #expect(canvas.columns(of: "▲", inRow: timeRow) == [plot.x + axis.column(of: 40)!])
        #expect(canvas.text.contains("mouth f40"))
    }

    @Test(arguments: [Fixtures.compact, Fixtures.large, Size(width: 120, height: 36)])
    func flaggedBandCoversThePartialSegment(size: Size) {
        let canvas = Renderer.render(Fixtures.finishedState(), size: size)
        let plot = Layout(size: size).plot
        let axis = TimeAxis(visible: 0..<75, columns: plot.width)
        let row = canvas.row(labelled: "flagged")!
        let marked = Set((plot.x..<plot.maxX).filter { canvas[$0, row].character != " " })
        let expected = Set((0..<plot.width).filter { axis.frames(atColumn: $0).overlaps(40..<60) }.map { $0 + plot.x })
        #expect(marked == expected)
        #expect(canvas.line(row).contains("sync▓0.69"))
    }

    @Test func withoutSegmentsTheBandRowIsEmpty() {
        let canvas = Renderer.render(Fixtures.finishedState(analysis: Fixtures.analysis(segment: nil)), size: Fixtures.compact)
        let row = canvas.row(labelled: "flagged")!
        let plot = Layout(size: Fixtures.compact).plot
        #expect((plot.x..<plot.maxX).allSatisfy { canvas[$0, row].character == " " })
        #expect(canvas.line(row).hasSuffix("none     "))
    }

    /// At 160×50 the attention map has one column per key frame: each row's peak sits `offset` columns
    /// left of the diagonal for v→a (video frame t attends to audio t − offset when audio leads).
    @Test(arguments: [5, -4, 0])
    func attentionPeaksShiftFromTheDiagonalByTheOffset(offset: Int) throws {
        let state = Fixtures.finishedState(cursor: 12, analysis: Fixtures.analysis(offset: offset))
        let size = Fixtures.large
        let canvas = Renderer.render(state, size: size)
        let frame = Renderer.panelFrames(layout: Layout(size: size), state: state).attention
        var checked = 0
        for y in frame.content.y..<frame.content.maxY {
            let row = (frame.content.x + 1)..<(frame.content.x + 1 + 50)
            guard let peak = row.first(where: { canvas[$0, y].character == "●" }) else { continue }
            let diagonal = row.first { canvas[$0, y].character == "╲" }
            let keyOfPeak = peak - row.lowerBound
            // Rows whose peak is clamped at the window's edge say nothing about the shift.
            guard keyOfPeak > 0, keyOfPeak < 49 else { continue }
            if offset == 0 {
                #expect(diagonal == nil) // the peak covers the diagonal
            } else {
                let d = try #require(diagonal)
                #expect(d - peak == offset, "row \(y)")
            }
            checked += 1
        }
        #expect(checked >= 15)
        let meaning = offset == 0 ? "on the diagonal" : offset > 0 ? "audio leads" : "audio lags"
        #expect(canvas.text.contains(String(format: "peak %+d fr %@", offset, meaning)))
    }

    @Test func attentionDirectionAndHeadAreSwitchable() {
        var state = Fixtures.finishedState()
        _ = Reducer.reduce(&state, .switchAttentionDirection)
        _ = Reducer.reduce(&state, .nextHead)
        _ = Reducer.reduce(&state, .nextHead)
        let text = Renderer.render(state, size: Fixtures.compact).text
        #expect(text.contains("attention a→v head 2"))
        // a→v keys are video frames: audio frame k attends to video k + offset, the same offset.
        #expect(text.contains("peak +3 fr audio leads"))
    }

    @Test func largeScreenAddsDetail() {
        let canvas = Renderer.render(Fixtures.finishedState(), size: Fixtures.large)
        let layout = Layout(size: Fixtures.large)
        #expect(layout.isDetailed && layout.graphRows == 3)
        #expect(canvas.lines[2].contains("model-free cue: shift +3 fr, r 0.38"))
        #expect(canvas.lines[2].contains("windows 2/2 voting"))
        // The mouth is drawn at full crop resolution: 48 columns × 24 rows of half blocks.
        let mouth = Renderer.panelFrames(layout: layout, state: Fixtures.finishedState()).mouth
        #expect(mouth.outer.width == 48)
        let halfBlocks = (mouth.content.y..<mouth.content.maxY).map { y in (mouth.content.x..<mouth.content.maxX).filter { canvas[$0, y].character == "▀" }.count }
        #expect(halfBlocks.filter { $0 == 48 }.count == 24)
        // Graph timelines take three rows of braille.
        let sync = canvas.row(labelled: "sync")!
        #expect(canvas.line(sync + 2).unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    }

    @Test(arguments: [Size(width: 79, height: 24), Size(width: 80, height: 23), Size(width: 40, height: 10)])
    func tooSmallTerminalGetsAMessage(size: Size) {
        let text = Renderer.render(Fixtures.finishedState(), size: size).text
        #expect(text.contains("Terminal too small"))
        #expect(text.contains("\(size.width)×\(size.height)"))
        #expect(text.contains("80×24"))
        #expect(!text.contains("FAKE"))
    }

    @Test func analysingScreenShowsProgressAndIsUsable() {
        var state = WorkbenchState(file: "Samples/partial.mp4", frameCount: 75, preset: "compact")
        _ = Reducer.reduce(&state, .analysisProgress(done: 38, total: 75))
        _ = Reducer.reduce(&state, .mediaLoaded(Fixtures.media(frames: state.currentWindow.frames)))
        let canvas = Renderer.render(state, size: Fixtures.compact)
        #expect(canvas.lines[0].contains("verdict pending"))
        #expect(canvas.lines[1].contains("analysing"))
        #expect(canvas.lines[1].contains("38/75 frames"))
        #expect(canvas.text.contains("waiting for the analysis"))
        // The mouth and log-mel are already drawn.
        #expect(!canvas.text.contains("decoding…"))
        #expect(canvas.cells.contains { $0.character == "▀" })
    }

    @Test func failedAnalysisSaysWhy() {
        var state = WorkbenchState(file: "x.mp4", frameCount: 75)
        _ = Reducer.reduce(&state, .analysisFailed("no audio stream"))
        let canvas = Renderer.render(state, size: Fixtures.compact)
        #expect(canvas.lines[0].contains("no verdict"))
        #expect(canvas.lines[1].contains("analysis failed: no audio stream"))
    }

    @Test func uncertainAndRealVerdicts() {
        let uncertain = Renderer.render(Fixtures.finishedState(analysis: Fixtures.analysis(probability: 0.55)), size: Fixtures.compact)
        #expect(uncertain.lines[0].contains("FAKE p 0.550"))
        #expect(uncertain.lines[0].contains("UNCERTAIN"))
        let real = Renderer.render(Fixtures.finishedState(analysis: Fixtures.analysis(offset: 0, segment: nil, probability: 0.1)), size: Fixtures.compact)
        #expect(real.lines[0].contains("REAL p 0.100"))
        #expect(real.lines[1].contains("AV offset 0 fr (0 ms, in sync)"))
    }

    @Test func helpIsGeneratedFromTheKeyTableAndFits() {
        var state = Fixtures.finishedState()
        _ = Reducer.reduce(&state, .toggleHelp)
        for size in [Fixtures.compact, Fixtures.large] {
            let text = Renderer.render(state, size: size).text
            for binding in KeyTable.bindings {
                #expect(text.contains(binding.help), "\(binding.help) at \(size)")
            }
        }
    }

    @Test func asciiGlyphsDrawOnlyASCII() {
        var state = Fixtures.finishedState(display: DisplayOptions(glyphs: .ascii, colors: .eight))
        _ = Reducer.reduce(&state, .toggleHelp)
        for size in [Fixtures.compact, Fixtures.large] {
            for s in [state, Fixtures.finishedState(display: DisplayOptions(glyphs: .ascii, colors: .none))] {
                let canvas = Renderer.render(s, size: size)
                let offenders = canvas.cells.filter { !$0.character.isASCII }.map(\.character)
                #expect(offenders.isEmpty, "non-ASCII at \(size): \(Set(offenders))")
            }
        }
        let text = Renderer.render(Fixtures.finishedState(display: DisplayOptions(glyphs: .ascii, colors: .none)), size: Fixtures.compact).text
        #expect(text.contains("attention v->a mean"))
        #expect(text.contains("o") && text.contains("\\"))
    }

    /// Without colour the picture survives as glyphs: shades for the mouth and heatmaps, no colour at all.
    @Test func noColorDrawsWithGlyphsAndAttributesOnly() {
        let state = Fixtures.finishedState(display: DisplayOptions(glyphs: .braille, colors: .none))
        let canvas = Renderer.render(state, size: Fixtures.compact)
        // Nothing is left to colour alone: no heat levels or pixels that a monochrome terminal would drop.
        func carriesPicture(_ ink: Ink) -> Bool {
            switch ink {
            case .heat, .rgb: true
            case .role, .terminalDefault: false
            }
        }
        #expect(!canvas.cells.contains { carriesPicture($0.style.foreground) || carriesPicture($0.style.background) })
        let panels = Renderer.panelFrames(layout: Layout(size: Fixtures.compact), state: state)
        for panel in [panels.mouth, panels.mel] {
            #expect(!(panel.content.y..<panel.content.maxY).contains { y in (panel.content.x..<panel.content.maxX).contains { canvas[$0, y].character == "▀" } })
        }
        let mouth = panels.mouth
        let shades = Set((mouth.content.y..<mouth.content.maxY).flatMap { y in (mouth.content.x..<mouth.content.maxX).map { canvas[$0, y].character } })
        #expect(shades.contains("▒") || shades.contains("▓"))
        #expect(shades.contains(" ")) // the dark mouth
    }

    @Test func artifactOverlayTintsTheHotQuarterAndToggles() {
        var state = Fixtures.finishedState(cursor: 10, analysis: Fixtures.analysis(artifactHot: 5..<15))
        let mouth = Renderer.panelFrames(layout: Layout(size: Fixtures.compact), state: state).mouth
        func ink(_ canvas: Canvas, _ dx: Int, _ dy: Int) -> Ink { canvas[mouth.content.x + dx, mouth.content.y + dy].style.foreground }
        let on = Renderer.render(state, size: Fixtures.compact)
        // Top-left quarter is hot: tinted toward magenta; bottom-right is not.
        guard case .rgb(let r, let g, _) = ink(on, 2, 1), case .rgb(let r2, let g2, _) = ink(on, 20, 10) else {
            Issue.record("mouth cells are not RGB")
            return
        }
        #expect(r > g + 60)
        #expect(r2 == g2)
        _ = Reducer.reduce(&state, .toggleArtifactOverlay)
        let off = Renderer.render(state, size: Fixtures.compact)
        guard case .rgb(let r3, let g3, _) = ink(off, 2, 1) else { Issue.record("not RGB"); return }
        #expect(r3 == g3)
        #expect(off.text.contains("o:off"))
    }

    @Test func bookmarksShowOnTheAxisAndInTheStatusLine() {
        var state = Fixtures.finishedState(cursor: 20)
        _ = Reducer.reduce(&state, .beginBookmark)
        for c in "lips late" { _ = Reducer.reduce(&state, .promptCharacter(c)) }
        #expect(Renderer.render(state, size: Fixtures.compact).lines[23].contains("note for frame 20: lips late_"))
        _ = Reducer.reduce(&state, .promptConfirm)
        let canvas = Renderer.render(state, size: Fixtures.compact)
        #expect(canvas.lines[23].contains("◆ lips late"))
        let timeRow = canvas.row(labelled: "time")!
        #expect(canvas.columns(of: "▲", inRow: timeRow).count == 1) // the cursor covers the bookmark
        _ = Reducer.reduce(&state, .stepSeconds(1))
        let moved = Renderer.render(state, size: Fixtures.compact)
        #expect(moved.columns(of: "◆", inRow: timeRow).count == 1)
    }

    /// A second label is drawn whole or not at all: the cursor never eats its digits.
    @Test func cursorNeverCutsATimeLabel() {
        for frame in 0..<Fixtures.frames {
            let canvas = Renderer.render(Fixtures.finishedState(cursor: frame), size: Fixtures.compact)
            let line = canvas.line(canvas.row(labelled: "time")!)
            #expect(!line.contains("▲s"), "cursor at \(frame): \(line)")
            if abs(frame - 25) > 3 { #expect(line.contains("1s"), "cursor at \(frame): \(line)") }
        }
    }

    @Test func timelineValuesAtTheCursor() {
        let inside = Renderer.render(Fixtures.finishedState(cursor: 45), size: Fixtures.compact)
        #expect(inside.line(inside.row(labelled: "sync")!).hasSuffix("0.10     "))
        #expect(inside.line(inside.row(labelled: "drift")!).contains("+3 fr"))
        #expect(inside.line(inside.row(labelled: "flagged")!).contains("sync 0.69"))
        #expect(inside.line(inside.row(labelled: "voice")!).contains("speech"))
        let outside = Renderer.render(Fixtures.finishedState(cursor: 2), size: Fixtures.compact)
        #expect(outside.line(outside.row(labelled: "sync")!).hasSuffix("0.90     "))
        #expect(outside.line(outside.row(labelled: "voice")!).contains("silent"))
    }

    @Test func clicksOnTheTimelineMapToFrames() {
        let state = Fixtures.finishedState()
        let plot = Layout(size: Fixtures.compact).plot
        #expect(Renderer.frame(atX: plot.x, y: plot.y, state: state, size: Fixtures.compact) == 0)
        // 75 frames over 61 columns: column c starts at frame ⌊75c/61⌋.
        #expect(plot.width == 61)
        #expect(Renderer.frame(atX: plot.maxX - 1, y: plot.y + 3, state: state, size: Fixtures.compact) == 73)
        #expect(Renderer.frame(atX: plot.x + 30, y: plot.y, state: state, size: Fixtures.compact) == 36)
        #expect(Renderer.frame(atX: 2, y: plot.y, state: state, size: Fixtures.compact) == nil)
        #expect(Renderer.frame(atX: plot.x, y: 23, state: state, size: Fixtures.compact) == nil)
    }

    @Test func zoomNarrowsTheAxisAroundTheCursor() {
        var state = Fixtures.finishedState(cursor: 60)
        _ = Reducer.reduce(&state, .zoomIn)
        _ = Reducer.reduce(&state, .zoomIn)
        #expect(state.visibleFrames == 51..<69)
        let canvas = Renderer.render(state, size: Fixtures.compact)
        #expect(canvas.line(canvas.row(labelled: "time")!).contains("×4"))
    }
}
