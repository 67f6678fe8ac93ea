import Foundation
import Media
import Testing

@Suite struct BadInputTests {
    @Test func missingFile() {
        #expect(throws: MediaError.fileNotFound(path: "/nonexistent/clip.mp4")) { try MediaProbe.probe("/nonexistent/clip.mp4") }
    }

    @Test func directory() throws {
        let folder = try TestMedia.folder()
        #expect(throws: MediaError.notARegularFile(path: folder.path)) { try MediaProbe.probe(folder.path) }
    }

    @Test func emptyFile() throws {
        let path = try TestMedia.folder().appendingPathComponent("empty.mp4").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: MediaError.emptyFile(path: path)) { try MediaProbe.probe(path) }
    }

    @Test func garbageBytes() throws {
        // Many random files: now and then a raw-stream demuxer (H.263) claims random bytes, which
        // the probe must still refuse.
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<40 {
            let path = try TestMedia.folder().appendingPathComponent("garbage-\(trial).mp4").path
            _ = FileManager.default.createFile(atPath: path, contents: Data((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            #expect(throws: MediaError.self) { try MediaProbe.probe(path) }
            #expect(throws: MediaError.self) { _ = try Clip.load(path: path) }
        }
    }

    @Test func truncatedFiles() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("full.mp4"), frames: 100)
        let bytes = try Data(contentsOf: url)
        for fraction in [0.01, 0.3, 0.6, 0.95] {
            let cut = folder.appendingPathComponent("cut-\(fraction).mp4")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: cut)
            // Either a clear error or what could be decoded: never a crash or hang.
            do {
                let frames = try VideoReader(path: cut.path).readAll()
                #expect(frames.count <= 100)
            } catch let error as MediaError {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func aReadPastItsDeadlineIsAClearTimeout() throws {
        // With no time allowed, the stall watchdog's deadline has passed by FFmpeg's first check:
        // opening fails with the timed-out error (what to do next), not FFmpeg's "Immediate exit requested".
        let url = try TestMedia.writeClip(TestMedia.folder().appendingPathComponent("deadline.mp4"), frames: 10)
        let options = AudioReadOptions(limits: MediaLimits(stallTimeoutSeconds: 0))
        #expect(throws: MediaError.timedOut(operation: "opening \(url.path)", seconds: 0)) {
            _ = try AudioReader(path: url.path, options: options)
        }
        #expect(try AudioReader(path: url.path).readAll().count > 5_000)
    }

    @Test func audioOnlyIsDescribedButHasNoVideo() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("audio.mp4"), frames: 25, video: false)
        let info = try MediaProbe.probe(url.path)
        #expect(info.video == nil)
        #expect(info.audio?.codec == "aac")
        #expect(info.audio?.channels == 1 && info.audio?.channelLayout == "mono")
        #expect(throws: MediaError.noVideoStream(path: url.path)) { _ = try VideoReader(path: url.path) }
        #expect(try AudioReader(path: url.path).readAll().count > 15_000)
    }

    @Test func videoOnlyHasNoAudio() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("video.mp4"), frames: 10, audio: nil)
        #expect(try MediaProbe.probe(url.path).audio == nil)
        #expect(throws: MediaError.noAudioStream(path: url.path)) { _ = try AudioReader(path: url.path) }
        #expect(throws: MediaError.noAudioStream(path: url.path)) { _ = try Clip.load(path: url.path) }
    }

    @Test func tinyVideo() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("tiny.mp4"), width: 1, height: 1, frames: 5, audio: nil)
        let info = try MediaProbe.probe(url.path)
        #expect(info.video?.width == 1 && info.video?.height == 1)
        let frames = try VideoReader(path: url.path, options: VideoReadOptions(outputSize: .init(width: 8, height: 8))).readAll()
        #expect(frames.count == 5)
        #expect(frames[0].image.width == 8)
    }

    @Test func zeroLengthStreams() throws {
        let folder = try TestMedia.folder()
        let path = folder.appendingPathComponent("zero.mp4").path
        let writer = try MP4Writer(path: path, video: MP4Writer.Video(width: 16, height: 16, preset: "ultrafast"), audio: MP4Writer.Audio())
        try writer.finish()
        _ = try? MediaProbe.probe(path)
        #expect(throws: MediaError.self) { _ = try VideoReader(path: path).readAll() }
        #expect(throws: MediaError.self) { _ = try Clip.load(path: path) }
    }

    @Test func limitsAreEnforced() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("c.mp4"), width: 64, height: 48, frames: 50)
        var small = MediaLimits()
        small.maxDimension = 32
        #expect(throws: MediaError.self) { _ = try VideoReader(path: url.path, options: VideoReadOptions(limits: small)) }
        var short = MediaLimits()
        short.maxDurationSeconds = 1
        #expect(throws: MediaError.self) { _ = try MediaProbe.probe(url.path, limits: short) }
        var tinyFiles = MediaLimits()
        tinyFiles.maxFileBytes = 100
        #expect(throws: MediaError.self) { _ = try MediaProbe.probe(url.path, limits: tinyFiles) }
    }

    @Test func invalidRangesAreRejected() throws {
        let folder = try TestMedia.folder()
        let url = try TestMedia.writeClip(folder.appendingPathComponent("c.mp4"), frames: 10)
        for range in [TimeRange(startSeconds: -1), TimeRange(startSeconds: .nan), TimeRange(startSeconds: 0, durationSeconds: 0)] {
            #expect(throws: MediaError.self) { _ = try VideoReader(path: url.path, options: VideoReadOptions(range: range)) }
        }
        let beyond = try VideoReader(path: url.path, options: VideoReadOptions(range: TimeRange(startSeconds: 30))).readAll()
        #expect(beyond.isEmpty)
    }

    @Test func errorMessagesAreOneLine() {
        let errors: [MediaError] = [.fileNotFound(path: "x"), .emptyFile(path: "x"), .noVideoStream(path: "x"),
                                    .limitExceeded(what: "a", value: "b", limit: "c", flag: "--d"),
                                    .unreadableContainer(path: "x", reason: "Invalid data found when processing input")]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.count > 10)
        }
    }
}

@Suite struct DamagedTimestampTests {
    /// A fuzzed copy of the ingest sample whose sample table puts frames minutes past
    /// the declared 3 s: those frames are skipped instead of becoming 18 minutes of video.
    @Test func timestampsFarPastTheDeclaredEndAreSkipped() throws {
        let url = try #require(Bundle.module.url(forResource: "damaged-timestamps", withExtension: "mp4", subdirectory: "Fixtures"))
        let reader = try VideoReader(path: url.path, options: VideoReadOptions(outputSize: .init(width: 16, height: 16)))
        let frames = try reader.readAll()
        print("damaged-timestamps.mp4: \(frames.count) frames, \(reader.framesWithDamagedTimestamps) skipped")
        #expect(frames.count <= 80)
        #expect(reader.framesWithDamagedTimestamps > 0)
        let audio = try AudioReader(path: url.path).readAll()
        #expect(audio.count <= 5 * 16_000)
    }
}

@Suite struct FileTypeTests {
    /// A symbolic link is judged by what it points at: a link to a FIFO is refused before
    /// FFmpeg could block opening it, and a link to a regular file is read.
    @Test func symbolicLinksAreJudgedByTheirTarget() throws {
        let folder = try TestMedia.folder()
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoLink = folder.appendingPathComponent("pipe-link.mp4").path
        try FileManager.default.createSymbolicLink(atPath: fifoLink, withDestinationPath: fifo)
        #expect(throws: MediaError.notARegularFile(path: fifoLink)) { try MediaProbe.probe(fifoLink) }
        let clip = try TestMedia.writeClip(folder.appendingPathComponent("c.mp4"), frames: 5)
        let clipLink = folder.appendingPathComponent("c-link.mp4").path
        try FileManager.default.createSymbolicLink(atPath: clipLink, withDestinationPath: clip.path)
        var tiny = MediaLimits()
        tiny.maxFileBytes = 100
        #expect(throws: MediaError.self) { try MediaProbe.probe(clipLink, limits: tiny) }
        #expect(try MediaProbe.probe(clipLink).video != nil)
    }

    @Test func unsupportedAACRatesAreClearErrors() throws {
        let folder = try TestMedia.folder()
        #expect(throws: MediaError.self) {
            _ = try MP4Writer(path: folder.appendingPathComponent("a.mp4").path, video: nil, audio: MP4Writer.Audio(sampleRate: 10_000))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
