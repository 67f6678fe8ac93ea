import Testing
@testable import Workbench

@Suite struct DisplayTests {
    @Test func noColorTurnsColourOffWhateverTheTerminal() {
        #expect(DisplayOptions.detect(environment: ["NO_COLOR": "1"], terminalColors: 256, utf8: true).colors == .none)
        // An empty NO_COLOR does not count (no-color.org).
        #expect(DisplayOptions.detect(environment: ["NO_COLOR": ""], terminalColors: 256, utf8: true).colors == .palette256)
        #expect(DisplayOptions.detect(environment: [:], terminalColors: 8, utf8: true).colors == .eight)
        #expect(DisplayOptions.detect(environment: [:], terminalColors: 0, utf8: true).colors == .none)
    }

    @Test func glyphsFollowTheLocaleAndTerminal() {
        #expect(DisplayOptions.detect(environment: [:], terminalColors: 256, utf8: true).glyphs == .braille)
        #expect(DisplayOptions.detect(environment: [:], terminalColors: 256, utf8: false).glyphs == .ascii)
        #expect(DisplayOptions.detect(environment: ["TERM": "linux"], terminalColors: 8, utf8: true).glyphs == .block)
        #expect(DisplayOptions.detect(environment: ["SYNCDEFENSE_GLYPHS": "block"], terminalColors: 8, utf8: true).glyphs == .block)
        // A non-UTF-8 locale cannot be talked into braille.
        #expect(DisplayOptions.detect(environment: ["SYNCDEFENSE_GLYPHS": "braille"], terminalColors: 8, utf8: false).glyphs == .ascii)
        #expect(DisplayOptions.detect(environment: [:], terminalColors: 256, utf8: true, forceASCII: true).glyphs == .ascii)
    }

    @Test func themeMapsRolesHeatAndPixelsPerDepth() {
        #expect(Theme.paletteIndex(of: .role(.offSync), depth: .eight) == 1)
        #expect(Theme.paletteIndex(of: .role(.inSync), depth: .eight) == 2)
        #expect(Theme.paletteIndex(of: .role(.offSync), depth: .palette256) == 203)
        #expect(Theme.paletteIndex(of: .heat(0), depth: .eight) == 0)
        #expect(Theme.paletteIndex(of: .heat(255), depth: .eight) == 7)
        #expect(Theme.paletteIndex(of: .heat(0), depth: .palette256) == 16)
        #expect(Theme.paletteIndex(of: .rgb(255, 0, 0), depth: .palette256) == 196)
        #expect(Theme.paletteIndex(of: .rgb(128, 128, 128), depth: .palette256) == 244)
        #expect(Theme.paletteIndex(of: .rgb(200, 30, 30), depth: .eight) == 1)
        #expect(Theme.paletteIndex(of: .rgb(10, 10, 10), depth: .eight) == 0)
        #expect(Theme.paletteIndex(of: .terminalDefault, depth: .palette256) == nil)
        for role in ColorRole.allCases {
            #expect(Theme.paletteIndex(of: .role(role), depth: .none) == nil)
            #expect(Theme.paletteIndex(of: .role(role), depth: .palette256) != nil)
        }
    }

    @Test func timeAxisColumnsAndFramesAgree() {
        for (frames, columns) in [(75, 62), (1500, 62), (10, 142), (75, 142)] {
            let axis = TimeAxis(visible: 0..<frames, columns: columns)
            for f in 0..<frames {
                let c = axis.column(of: f)!
                #expect(axis.frames(atColumn: c).contains(f), "frame \(f) of \(frames) over \(columns)")
                if c > 0 { #expect(!axis.frames(atColumn: c - 1).contains(f)) }
            }
            // Columns tile the visible frames without gaps.
            #expect(axis.frames(atColumn: 0).lowerBound == 0)
            #expect(axis.frames(atColumn: columns - 1).upperBound == frames)
            #expect(axis.column(of: frames) == nil)
        }
    }

    @Test func brailleBitsFollowUnicodeOrder() {
        #expect(GlyphSet.braille(0xFF) == "⣿")
        #expect(GlyphSet.braille(GlyphSet.brailleBit(column: 0, row: 3) | GlyphSet.brailleBit(column: 1, row: 3)) == "⣀")
        #expect(GlyphSet.braille(GlyphSet.brailleBit(column: 0, row: 0)) == "⠁")
    }
}
