// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for remsim's loaders and importers, kept out of the main package: they link
/// only when built with the fuzzer sanitizer. Build and run with `Fuzz/fuzz.sh` (see README.md).
let package = Package(
    name: "remsim-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "remsim", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "RemsimFuzz",
            dependencies: [.product(name: "RemsimKit", package: "remsim")],
            path: "Sources/RemsimFuzz"
        )
    ]
)
