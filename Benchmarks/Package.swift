// swift-tools-version:6.1
import PackageDescription

/// Benchmarks for remsim, kept out of the main package so that `swift test` never builds them.
/// Run from this directory: `swift package --disable-sandbox benchmark` (release build).
let package = Package(
    name: "remsim-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "remsim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "RemsimBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RemsimKit", package: "remsim"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/RemsimBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
