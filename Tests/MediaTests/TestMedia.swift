import Foundation
import Media

/// Makes real media files for tests with the project's own writer or the ffmpeg CLI.
enum TestMedia {
    /// A fresh temporary folder for one test.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-media-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A frame whose whole area has grey level `level`, with a white 8×8 marker at the top-left corner.
    static func markedFrame(width: Int, height: Int, level: UInt8, marker: Bool = false) -> RGBImage {
        var image = RGBImage(width: width, height: height, red: level, green: level, blue: level)
        if marker {
            for y in 0..<min(8, height) {
                for x in 0..<min(8, width) {
                    let i = (y * width + x) * 3
                    image.pixels[i] = 255
                    image.pixels[i + 1] = 255
                    image.pixels[i + 2] = 255
                }
            }
        }
        return image
    }

    /// A sine wave, `channels` interleaved with the same content.
    static func sine(frequency: Double, seconds: Double, sampleRate: Int, channels: Int = 1, amplitude: Float = 0.5) -> [Float] {
        let count = Int(seconds * Double(sampleRate))
        var out = [Float](repeating: 0, count: count * channels)
        for i in 0..<count {
            let value = amplitude * Float(sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate)))
            for c in 0..<channels { out[i * channels + c] = value }
        }
        return out
    }

    /// Writes a clip whose frame `n` has grey level `levels(n)`, plus a sine soundtrack.
    @discardableResult
    static func writeClip(_ url: URL, width: Int = 64, height: Int = 48, frames: Int = 50,
                          frameRate: (Int, Int) = (25, 1), rotation: Int = 0, crf: Int = 10,
                          audio: MP4Writer.Audio? = MP4Writer.Audio(), video: Bool = true,
                          levels: (Int) -> UInt8 = { UInt8(clamping: 20 + 4 * $0) }, marker: Bool = false) throws -> URL {
        let writer = try MP4Writer(
            path: url.path,
            video: video ? MP4Writer.Video(width: width, height: height, frameRate: frameRate, crf: crf, preset: "ultrafast", rotationDegrees: rotation) : nil,
            audio: audio)
        let seconds = Double(frames) * Double(frameRate.1) / Double(frameRate.0)
        if video {
            for n in 0..<frames { try writer.append(markedFrame(width: width, height: height, level: levels(n), marker: marker)) }
        }
        if let audio {
            try writer.append(audio: sine(frequency: 440, seconds: seconds, sampleRate: audio.sampleRate, channels: audio.channels))
        }
        try writer.finish()
        return url
    }

    /// Runs the ffmpeg CLI; throws with its stderr when it fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-y"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw MediaError.invalidArgument("ffmpeg \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// Mean grey level of an image.
    static func meanLevel(_ image: RGBImage) -> Double {
        Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count)
    }

    /// The dominant frequency of `samples` by a coarse DFT scan over 100…2000 Hz.
    static func dominantFrequency(_ samples: ArraySlice<Float>, sampleRate: Int) -> Double {
        var best = (frequency: 0.0, power: -1.0)
        let values = Array(samples)
        var frequency = 100.0
        while frequency <= 2000 {
            var re = 0.0, im = 0.0
            for (i, v) in values.enumerated() {
                let phase = 2 * Double.pi * frequency * Double(i) / Double(sampleRate)
                re += Double(v) * cos(phase)
                im += Double(v) * sin(phase)
            }
            let power = re * re + im * im
            if power > best.power { best = (frequency, power) }
            frequency += 10
        }
        return best.frequency
    }
}
