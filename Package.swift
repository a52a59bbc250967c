// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MockCDP",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mockcdp", targets: ["mockcdp"]),
        .executable(name: "mockcdp-bench", targets: ["MockCDPBench"]),
        .library(name: "MockCDP", targets: ["MockCDP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The sender drives libcurl itself: URLSession on Linux spins a core while it waits
        // for each answer (see HTTPBatchTransport).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // SHA-256 for derived message ids and input fingerprints.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
        ),
        .target(
            name: "MockCDP",
            dependencies: ["CYAML", "CCurl", "CZlib", "CCrypto"]
        ),
        .target(
            name: "MockCDPCLI",
            dependencies: ["MockCDP"]
        ),
        .executableTarget(
            name: "mockcdp",
            dependencies: ["MockCDPCLI"]
        ),
        .executableTarget(
            name: "MockCDPBench",
            dependencies: ["MockCDP"]
        ),
        .testTarget(
            name: "MockCDPTests",
            dependencies: ["MockCDP", "MockCDPCLI"]
        ),
    ]
)
