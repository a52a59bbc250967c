// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MockCDP",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mockcdp", targets: ["mockcdp"]),
        .library(name: "MockCDP", targets: ["MockCDP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "MockCDP",
            dependencies: ["CYAML"]
        ),
        .target(
            name: "MockCDPCLI",
            dependencies: ["MockCDP"]
        ),
        .executableTarget(
            name: "mockcdp",
            dependencies: ["MockCDPCLI"]
        ),
        .testTarget(
            name: "MockCDPTests",
            dependencies: ["MockCDP", "MockCDPCLI"]
        ),
    ]
)
