import ArgumentParser
import CBLAS
import CEspeakNG
import CFFTW
import CNcursesw
import Foundation
import Media
import Tensor

/// `syncdefense doctor`: the versions of every library the tool runs on.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the libraries SyncDefense is linked against and whether each works (JSON)."
    )

    struct Report: Encodable {
        var version: String
        var ffmpeg: [String: String]
        var openblas: String
        /// Threads the tensor engine splits its loops and products into (OpenBLAS itself runs single-threaded).
        var engineThreads: Int
        /// The AVX-512 stem kernels: "used", "off (SYNCDEFENSE_WIDE_KERNELS=0)" or "not supported by this processor".
        var wideKernels: String
        var fftw: String
        var ncurses: String
        var espeakNG: String
        var h264Encoder: Bool
        var aacEncoder: Bool

        enum CodingKeys: String, CodingKey {
            case version, ffmpeg, openblas
            case engineThreads = "engine_threads"
            case wideKernels = "avx512_kernels"
            case fftw, ncurses
            case espeakNG = "espeak_ng"
            case h264Encoder = "h264_encoder"
            case aacEncoder = "aac_encoder"
        }
    }

    func run() async throws {
        var path: UnsafePointer<CChar>?
        let espeak = String(cString: espeak_Info(&path))
        let report = Report(
            version: SyncDefenseVersion.string,
            ffmpeg: MediaLibraries.versions,
            openblas: String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces),
            engineThreads: Engine.threadCount,
            wideKernels: Engine.usesWideKernels ? "used"
                : Engine.wideKernelsSupported ? "off (SYNCDEFENSE_WIDE_KERNELS=0)" : "not supported by this processor",
            fftw: String(cString: cfftw_version()),
            ncurses: String(cString: cncurses_version()),
            espeakNG: espeak,
            h264Encoder: MediaLibraries.hasEncoder("libx264"),
            aacEncoder: MediaLibraries.hasEncoder("aac"))
        try JSONOutput.print(report)
    }
}
