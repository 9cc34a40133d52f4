// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Pacte",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pacte", targets: ["pacte"]),
        .library(name: "PacteCore", targets: ["PacteCore"]),
        .library(name: "PacteAudit", targets: ["PacteAudit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.17.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // The pure domain core: Foundation only, no framework, no database.
        .target(
            name: "PacteCore",
            resources: [.copy("Resources/naf_rev2.csv")]
        ),
        // Reading existing documents (conventions, action sheets, council extracts) into PacteCore
        // values, and the findings of `pacte audit`. Foundation and PacteCore only.
        .target(
            name: "PacteAudit",
            dependencies: ["PacteCore"]
        ),
        // Files into text for PacteAudit: PDF (poppler), scans and images (tesseract), DOCX and ODT
        // (their XML read from the ZIP), plain text; converters run as subprocesses under limits.
        .target(
            name: "PacteDocuments",
            dependencies: [
                "PacteAudit",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Editable documents out: one text-document model written as ODT and DOCX (named styles,
        // tables, header and page numbers), and organisations' own ODT/DOCX templates filled by
        // Mustache. PacteCore, Foundation, ZIPFoundation and Mustache only.
        .target(
            name: "PacteOffice",
            dependencies: [
                "PacteCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Persistence: Fluent models, numbered migrations, mapping to and from PacteCore values,
        // reference data, demo data, audit chain.
        .target(
            name: "PacteStore",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            resources: [.copy("Resources/reference"), .copy("Resources/demo")]
        ),
        // HTTP: routes, JSON API, HTML pages (Plot), SVG charts, authentication, authorisation,
        // problem+json errors, OpenAPI, spreadsheet exports (ZIPFoundation zips the hand-written XML),
        // health, readiness, metrics and request logs.
        .target(
            name: "PacteWeb",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                "PacteDocuments",
                "PacteOffice",
                "PacteStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // ProConnect / OpenID Connect: ID token and signed userinfo checks.
                .product(name: "JWTKit", package: "jwt-kit"),
                // The identity provider's token, userinfo and key endpoints (already Vapor's).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // `/metrics` in Prometheus's text format; JSON request logs through swift-log.
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/static")]
        ),
        // Benchmarks and the synthetic national dataset (`pacte bench …`): the only target that may
        // depend on all the others; nothing in the product depends on it.
        .target(
            name: "PacteBench",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                "PacteDocuments",
                "PacteStore",
                "PacteWeb",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                // The scale benchmark's HTTP client (already a dependency of Vapor).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The command line: argument parsing and wiring only.
        .executableTarget(
            name: "pacte",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                "PacteDocuments",
                "PacteStore",
                "PacteWeb",
                "PacteBench",
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
            name: "PacteAuditTests",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "PacteDocumentsTests",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                "PacteDocuments",
                "PacteBench",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "PacteOfficeTests",
            dependencies: [
                "PacteOffice",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "PacteWebTests",
            dependencies: [
                "PacteCore",
                "PacteAudit",
                "PacteOffice",
                "PacteStore",
                "PacteWeb",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ],
            exclude: ["App/__Snapshots__"]
        ),
        .testTarget(
            name: "pacteTests",
            dependencies: ["pacte"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
