// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Pacte",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pacte", targets: ["pacte"]),
        .library(name: "PacteCore", targets: ["PacteCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // The pure domain core: Foundation only, no framework, no database.
        .target(
            name: "PacteCore",
            resources: [.copy("Resources/naf_rev2.csv")]
        ),
        // The command line: argument parsing and wiring only.
        .executableTarget(
            name: "pacte",
            dependencies: [
                "PacteCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PacteCoreTests",
            dependencies: [
                "PacteCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "pacteTests",
            dependencies: ["pacte"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
