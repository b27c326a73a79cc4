// swift-tools-version:6.0
// Standalone benchmark: which persistent store sharegen's incremental build should use.
// Build: swift build -c release --scratch-path /tmp/store-choice-build
import PackageDescription

let package = Package(
    name: "store-choice",
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "store-choice",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
