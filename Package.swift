// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "sharegen",
    products: [
        .executable(name: "sharegen", targets: ["sharegen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        .systemLibrary(name: "CCMark", path: "Sources/CCMark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .target(name: "CShims"),
        .target(name: "ShareModel", dependencies: ["CShims"], swiftSettings: strict),
        .target(name: "ShareLoader", dependencies: ["ShareModel", "Yams"], swiftSettings: strict),
        .target(name: "ShareValidator", dependencies: ["ShareModel", "ShareLoader"], swiftSettings: strict),
        .executableTarget(name: "EmbedTemplatesTool", swiftSettings: strict),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["EmbedTemplatesTool"]),
        .target(
            name: "ShareRenderer",
            dependencies: [
                "ShareModel", "ShareLoader", "CCMark",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedTemplates"]
        ),
        .target(name: "ShareEmitter", dependencies: ["ShareModel"], swiftSettings: strict),
        .target(
            name: "ShareBuild",
            dependencies: ["CShims", "ShareModel", "ShareLoader", "ShareValidator", "ShareRenderer", "ShareEmitter"],
            swiftSettings: strict
        ),
        .target(
            name: "ShareSigner",
            dependencies: [
                "ShareModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ShareLifecycle",
            dependencies: ["ShareModel", "ShareLoader", "ShareValidator", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(name: "ShareDiff", dependencies: ["ShareModel", "ShareLoader", "ShareValidator", "ShareRenderer"], swiftSettings: strict),
        .target(
            name: "SharePreview",
            dependencies: [
                "ShareBuild", "ShareModel", "ShareLoader", "ShareRenderer", "ShareSigner",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sharegen",
            dependencies: [
                "ShareModel", "ShareLoader", "ShareValidator", "ShareBuild", "ShareSigner", "ShareLifecycle", "ShareDiff", "SharePreview",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(name: "TestSupport", dependencies: ["ShareModel"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ShareBuild", "ShareModel", "ShareRenderer", "ShareEmitter", "SharePreview", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Fixtures", "browser_check.py", "signed_media_check.py"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShareRendererTests",
            dependencies: ["ShareRenderer", "ShareLoader", "ShareValidator", "ShareModel", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "ShareBuildTests", dependencies: ["ShareBuild", "ShareModel", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ShareEmitterTests", dependencies: ["ShareEmitter", "ShareModel", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ShareLoaderTests", dependencies: ["ShareLoader", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ShareModelTests", dependencies: ["ShareModel", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ShareSignerTests",
            dependencies: [
                "ShareSigner", "ShareModel", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["edge_check.mjs"],
            swiftSettings: strict
        ),
        .testTarget(name: "ShareLifecycleTests", dependencies: ["ShareLifecycle", "ShareLoader", "ShareValidator", "ShareModel"], swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "ShareDiffTests", dependencies: ["ShareDiff", "ShareModel"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "SharePreviewTests",
            dependencies: [
                "SharePreview", "ShareBuild", "ShareModel", "ShareSigner", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["live_reload_check.py"],
            swiftSettings: strict
        ),
        .testTarget(name: "ShareValidatorTests", dependencies: ["ShareValidator", "ShareLoader", "ShareBuild", "TestSupport"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "HardeningTests",
            dependencies: ["ShareBuild", "ShareLoader", "ShareValidator", "ShareModel", "TestSupport"],
            exclude: ["Fixtures", "injection_check.py"],
            swiftSettings: strict
        ),
    ]
)
