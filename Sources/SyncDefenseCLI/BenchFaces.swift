import ArgumentParser
import Dispatch
import FaceTracking
import Foundation
import Media

/// `syncdefense bench faces`: the face detector on one detection-sized frame — a whole-frame
/// search and a search around the faces found — next to OpenCV's `CascadeClassifier` (the same
/// cascade file, the same pixels, all cores each: both search the pyramid levels in parallel)
/// where Python's `cv2` is installed.
struct BenchFaces: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Time face detection on a 480-wide frame against OpenCV's CascadeClassifier (all cores each)."
    )

    @Argument(help: "A picture or video whose first frame to search (default: dlib's six-face example photo).")
    var file: String?

    @Option(help: "Detection width in pixels (the tracking pass uses 480).")
    var width: Int = 480

    @Option(help: "Runs per measurement after a warm-up; the fastest counts.")
    var repeats: Int = 10

    @Option(help: "HAAR cascade file (default: Debian opencv-data's frontal-face cascade).")
    var cascade: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (64...4096).contains(width) else { throw ValidationError("--width must be 64…4096") }
        guard (1...200).contains(repeats) else { throw ValidationError("--repeats must be 1…200") }
    }

    struct Result: Encodable {
        var image: String
        var width: Int
        var height: Int
        var faces: Int
        var wholeFrameMilliseconds: Double
        var aroundFacesMilliseconds: Double
        var openCVMilliseconds: Double?
        var openCVFaces: Int?
        var openCVOverOurs: Double?

        enum CodingKeys: String, CodingKey {
            case image, width, height, faces, wholeFrameMilliseconds = "whole_frame_ms", aroundFacesMilliseconds = "around_faces_ms"
            case openCVMilliseconds = "opencv_ms", openCVFaces = "opencv_faces", openCVOverOurs = "opencv_over_ours"
        }
    }

    func run() async throws {
        let source = file ?? BenchAnalyze.photo
        guard FileManager.default.fileExists(atPath: source) else {
            throw ValidationError("\(source) not found; pass a picture or video (dlib's photos come with Debian's libdlib19.1)")
        }
        let cascadePath = cascade ?? HaarCascade.defaultSearchPaths.first { FileManager.default.fileExists(atPath: $0) }
        let detector = FaceDetector(cascade: try HaarCascade.load(path: cascadePath))
        let info = try MediaProbe.probe(source)
        guard let video = info.video else { throw ValidationError("\(source) has no picture") }
        let height = max(1, Int((Double(width) * Double(video.displayHeight) / Double(video.displayWidth)).rounded()))
        let reader = try VideoReader(path: source, options: VideoReadOptions(outputSize: .init(width: width, height: height)))
        guard let frame = try reader.next() else { throw ValidationError("\(source): no frame decoded") }
        let gray = GrayImage(frame.image)

        func best(_ body: () -> Void) -> Double {
            body()
            var fastest = Double.infinity
            for _ in 0..<repeats {
                let start = DispatchTime.now()
                body()
                fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
            }
            return fastest
        }
        var faces: [FaceDetector.Detection] = []
        let whole = best { faces = detector.detect(gray) }
        // As the tracking pass searches around a face it follows.
        let areas = faces.map { FaceDetector.SearchArea.around($0.box, sizeRange: FaceTrackingPass.Options().localSizeRange) }
        let around = best { _ = detector.detect(gray, within: areas) }
        let reference = try? timeOpenCV(gray, cascadePath: cascadePath)
        let result = Result(image: (source as NSString).lastPathComponent, width: gray.width, height: gray.height, faces: faces.count,
                            wholeFrameMilliseconds: whole, aroundFacesMilliseconds: around, openCVMilliseconds: reference?.0,
                            openCVFaces: reference?.1, openCVOverOurs: reference.map { $0.0 / whole })
        if json {
            try JSONOutput.print(result)
        } else {
            print("image \(result.image) at \(gray.width)×\(gray.height): \(faces.count) faces")
            print(String(format: "whole frame   %8.1f ms", whole))
            print(String(format: "around faces  %8.1f ms  (%.0f %% of the whole frame; the tracking pass's searches between whole-frame ones)",
                         around, 100 * around / whole))
            if let reference {
                print(String(format: "OpenCV        %8.1f ms  (%d faces; OpenCV / ours = %.2f)", reference.0, reference.1, reference.0 / whole))
            } else {
                print("OpenCV        —  (python3 with cv2 not found: pip install 'opencv-python-headless<5')")
            }
        }
    }

    /// OpenCV's `detectMultiScale` with our parameters (×1.1, 3 neighbours, smallest face 24 px),
    /// on as many threads as ours, best of `repeats`: (milliseconds, faces).
    private func timeOpenCV(_ gray: GrayImage, cascadePath: String?) throws -> (Double, Int)? {
        guard let cascadePath else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("syncdefense-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("frame.gray")
        try Data(gray.pixels).write(to: input)
        let script = """
        import sys, time, numpy as np, cv2
        cv2.setNumThreads(\(ProcessInfo.processInfo.activeProcessorCount))
        img = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(\(gray.height), \(gray.width))
        c = cv2.CascadeClassifier(sys.argv[2]); best = 1e9
        for _ in range(\(repeats) + 1):
            t = time.perf_counter()
            r = c.detectMultiScale(img, scaleFactor=1.1, minNeighbors=3, minSize=(24, 24))
            best = min(best, time.perf_counter() - t)
        print(best * 1000, len(r))
        """
        guard let text = try PythonReference.output(of: script, arguments: [input.path, cascadePath]) else { return nil }
        let fields = text.split(separator: " ").map(String.init)
        guard fields.count == 2, let ms = Double(fields[0]), let count = Int(fields[1]) else { return nil }
        return (ms, count)
    }
}
