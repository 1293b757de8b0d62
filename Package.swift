// swift-tools-version:6.1
import PackageDescription

/// remsim: a simulation and test harness for cloud auto-remediation policies.
///
/// Modules form a ladder; each imports only the ones above it:
/// CloudModel → CloudOperations → Policies → RemediationEngine → Simulation → Loading →
/// PolicyPack → Replay → Endpoint → RunStore → Reports → RemsimKit → RemsimCLI → remsim.
let package = Package(
    name: "remsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "remsim", targets: ["remsim"]),
        /// What a user's own Swift code (and the benchmark and fuzz packages) link: `import
        /// RemsimKit` loads, runs and records suites (`ScenarioSuite`); its public API is what
        /// README.md documents, checked by PublicAPITests. Everything else is `package`.
        .library(name: "RemsimKit", targets: ["RemsimKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CloudModel"),
        .target(name: "CloudOperations", dependencies: ["CloudModel"]),
        .target(name: "Policies", dependencies: ["CloudModel"]),
        .target(name: "RemediationEngine", dependencies: ["CloudModel", "CloudOperations", "Policies"]),
        .target(
            name: "Simulation",
            dependencies: [
                "CloudModel", "CloudOperations", "Policies", "RemediationEngine",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Loading",
            dependencies: [
                "CloudModel", "CloudOperations", "Policies", "RemediationEngine", "Simulation",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Replay",
            dependencies: ["CloudModel", "CloudOperations", "Policies", "RemediationEngine", "Simulation"]),
        /// The simulated cloud on the AWS wire (`remsim serve`, external engines): a sans-I/O core
        /// that turns requests into the engine's `CloudOperation`s, over Hummingbird on 127.0.0.1.
        .target(
            name: "Endpoint",
            dependencies: [
                "CloudModel", "CloudOperations", "Policies", "RemediationEngine", "Simulation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        /// The pack's YAML files are compiled into the module (the EmbedPolicyPack plugin), so a
        /// remsim binary copied alone still has its built-in policies.
        .target(
            name: "PolicyPack", dependencies: ["Loading", "Policies", "Simulation"], exclude: ["Policies"],
            plugins: ["EmbedPolicyPack"]),
        .executableTarget(name: "PolicyPackEmbedder"),
        .plugin(name: "EmbedPolicyPack", capability: .buildTool(), dependencies: ["PolicyPackEmbedder"]),
        .target(
            name: "RunStore",
            dependencies: [
                "CloudModel", "Policies", "RemediationEngine", "Simulation",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Reports",
            dependencies: ["CloudModel", "CloudOperations", "Policies", "RemediationEngine", "Simulation", "RunStore"]),
        /// Runs a suite: load → preflight → simulate → record. The command line and users' Swift
        /// code call it the same way. Its documentation catalog holds the README's example.
        .target(
            name: "RemsimKit",
            dependencies: [
                "CloudModel", "Policies", "RemediationEngine", "Simulation", "Loading", "PolicyPack", "RunStore",
                "GitHead", "Endpoint",
            ]),
        /// `remsim --version` names the commit the binary was built from (the EmbedBuildCommit plugin).
        .target(
            name: "RemsimCLI",
            dependencies: [
                "CloudModel", "Policies", "RemediationEngine", "Simulation", "Loading", "PolicyPack", "RunStore",
                "Reports", "Replay", "RemsimKit", "Endpoint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedBuildCommit"]
        ),
        /// Reads the commit `.git/HEAD` names, without running git.
        .target(name: "GitHead"),
        .executableTarget(name: "BuildCommitEmbedder", dependencies: ["GitHead"]),
        .plugin(name: "EmbedBuildCommit", capability: .buildTool(), dependencies: ["BuildCommitEmbedder"]),
        .executableTarget(name: "remsim", dependencies: ["RemsimCLI"]),

        .target(name: "TestSupport", dependencies: ["CloudModel", "Policies", "Loading"], path: "Tests/TestSupport"),
        .testTarget(name: "CloudModelTests", dependencies: ["CloudModel"]),
        .testTarget(name: "PoliciesTests", dependencies: ["Policies", "TestSupport"]),
        .testTarget(
            name: "RemediationEngineTests", dependencies: ["RemediationEngine", "CloudOperations", "TestSupport"]),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "Simulation", "CloudOperations", "PolicyPack", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LoadingTests",
            dependencies: [
                "Loading", "CloudOperations", "Policies", "PolicyPack", "RemediationEngine", "Simulation",
                "TestSupport", .product(name: "Yams", package: "Yams"),
            ], exclude: ["Samples", "FuzzRegressions", "Custodian"]),
        .testTarget(
            name: "PolicyPackTests",
            dependencies: [
                "PolicyPack", "Policies", "RemediationEngine", "Simulation", "Loading", "CloudOperations",
                "TestSupport",
            ]),
        .testTarget(
            name: "RunStoreTests",
            dependencies: [
                "RunStore", "Reports", "Loading", "PolicyPack", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Simulation", "Loading", "PolicyPack", "RunStore", "TestSupport"]),
        .testTarget(
            name: "RemsimKitTests", dependencies: ["RemsimKit", "RunStore", "Simulation", "Loading", "TestSupport"]),
        .testTarget(
            name: "EndpointTests",
            dependencies: [
                "Endpoint", "CloudModel", "CloudOperations", "Loading", "Policies", "Replay", "Simulation",
                "TestSupport",
            ],
            // The boto3 sequence the conformance test runs, read from the source tree.
            exclude: ["Conformance"]),
        .testTarget(
            name: "ReplayTests",
            dependencies: [
                "Replay", "CloudOperations", "RemediationEngine", "Loading", "PolicyPack", "Simulation", "CloudModel",
                "TestSupport",
            ], exclude: ["Custodian"]),
        /// Without package access: it sees only the public API, as a user's package would.
        .testTarget(name: "PublicAPITests", dependencies: ["RemsimKit"], packageAccess: false),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Loading", "RunStore", "CloudModel", "Simulation", "RemsimKit", "GitHead"]),
    ]
)
