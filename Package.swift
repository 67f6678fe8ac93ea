// swift-tools-version: 6.1
// SyncDefense: a terminal forensic workbench that detects lip-sync deepfakes.
//
// Dependencies point one way:
//   C shims → Media, Features, Tensor → (model, analysis, …) → SyncDefenseCLI
// Only the media, tensor-kernel, FFT and terminal modules touch C pointers.
import PackageDescription

let package = Package(
    name: "SyncDefense",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "syncdefense", targets: ["SyncDefenseCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // MARK: C libraries (system-library targets with a shim header each)
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat libavcodec libavutil libswscale libswresample",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CGlibcExtras", path: "Sources/CGlibcExtras"),
        // No pkgConfig on purpose: ncursesw's .pc adds -D_DEFAULT_SOURCE/-D_XOPEN_SOURCE=600,
        // which fights the wide-character macros the shim defines.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CEspeakNG", path: "Sources/CEspeakNG", pkgConfig: "espeak-ng",
                       providers: [.apt(["libespeak-ng-dev"])]),

        // MARK: Swift modules
        .target(name: "Media", dependencies: ["CFFmpeg"]),
        .target(name: "Features", dependencies: ["Media", "CFFTW"]),
        // Compiled for AVX-512: Tensor calls it only after checking the processor (Kernels.wideKernelsSupported).
        .target(name: "TensorWideKernels", swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"])]),
        .target(name: "Tensor", dependencies: ["CBLAS", "TensorWideKernels"]),
        .target(name: "Model", dependencies: ["Tensor"]),
        .target(name: "FaceTracking", dependencies: ["Media"]),
        .target(name: "Forensics", dependencies: ["Model", "Features", "Media", "FaceTracking"]),
        .target(name: "Synth", dependencies: ["Media", "Features", "CEspeakNG"], resources: [.copy("Resources")]),
        .target(name: "Report", dependencies: ["Forensics", "Media"]),
        .target(name: "Training", dependencies: ["Forensics", "Model", "Tensor", "Media", "Features"]),
        .target(name: "Server", dependencies: [
            "Forensics", "Model", "Media", "FaceTracking", "CGlibcExtras",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .target(name: "Workbench", dependencies: ["Forensics", "Media", "Features", "CNcursesw"]),
        .executableTarget(
            name: "SyncDefenseCLI",
            dependencies: [
                "Media", "Features", "Tensor", "Model", "Forensics", "FaceTracking", "Training", "Report", "Synth", "Server", "Workbench", "CNcursesw", "CEspeakNG", "CBLAS", "CFFTW",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests (one target per module)
        .testTarget(name: "MediaTests", dependencies: ["Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Media"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TensorWideKernels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Tensor"]),
        .testTarget(name: "FaceTrackingTests", dependencies: ["FaceTracking", "Media"]),
        .testTarget(name: "ForensicsTests", dependencies: ["Forensics", "Model", "Features", "Media", "FaceTracking"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Forensics", "Model", "Media"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Forensics", "Model", "Tensor", "Media", "Synth"]),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "Media", "Features", "Forensics"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "Forensics", "Model", "Media"]),
        .testTarget(name: "CLITests", dependencies: ["Media", "Features", "Tensor", "SyncDefenseCLI"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Forensics", "Model", "Media",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
