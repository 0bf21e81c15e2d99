// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "shelfmirror",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shelfmirror", targets: ["shelfmirror"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-structured-headers", from: "1.7.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.3.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        // TagLib's headers and link flags, through pkg-config.
        .systemLibrary(
            name: "CTagLib",
            path: "Sources/CTagLib",
            pkgConfig: "taglib",
            providers: [.apt(["libtag1-dev"])]
        ),
        // Our C ABI over TagLib's C++ API.
        .target(name: "CTagLibShim", dependencies: ["CTagLib"]),
        // Value types, normalisation, tag mapping: Foundation only.
        .target(name: "MirrorCore"),
        .target(name: "MirrorTags", dependencies: ["MirrorCore", "CTagLibShim"]),
        .target(name: "MirrorStore", dependencies: [
            "MirrorCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // AudiobookShelf and Hardcover clients: wire JSON stays here, Core types come out.
        .target(name: "MirrorRemote", dependencies: [
            "MirrorCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
        ]),
        .target(name: "MirrorWorkflows", dependencies: [
            "MirrorCore", "MirrorTags", "MirrorStore", "MirrorRemote",
            .product(name: "SwiftCSV", package: "SwiftCSV"),
            // Connections builds the shared HTTP client the remote clients use.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        // Faithful fake AudiobookShelf (and later Hardcover) servers, for tests, benchmarks and demo.
        .target(name: "MirrorFakes", dependencies: [
            "MirrorCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GraphQL", package: "GraphQL"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // `serve`: routes, pages, and the style and script they load, all in the binary.
        .target(name: "MirrorWeb", dependencies: [
            "MirrorCore", "MirrorStore", "MirrorWorkflows",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "ShelfMirrorCLI", dependencies: [
            "MirrorWorkflows",
            "MirrorWeb",
            "MirrorFakes",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // mimalloc replaces glibc's malloc for the whole process: TagLib, SQLite and Swift
        // allocate on several threads at once, and a scan spends a sixth of its time in malloc.
        // --no-export-dynamic: Swift's static-stdlib link exports every symbol of our objects
        // (46,000), and the dynamic loader and the runtime's first dladdr then search them at
        // every start; nothing looks our symbols up at run time. Start-up: 7.1 → 5.9 ms.
        .executableTarget(name: "shelfmirror", dependencies: ["ShelfMirrorCLI"],
                          linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux])),
                                           .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]),

        // Temporary folders and fixture copies for the tests.
        .target(name: "TestSupport", dependencies: ["MirrorCore", "MirrorFakes"], path: "Tests/TestSupport"),
        .testTarget(name: "MirrorCoreTests", dependencies: ["MirrorCore"]),
        .testTarget(name: "MirrorTagsTests", dependencies: ["MirrorTags", "TestSupport"]),
        .testTarget(name: "MirrorStoreTests", dependencies: ["MirrorStore", "TestSupport"]),
        .testTarget(name: "MirrorRemoteTests", dependencies: ["MirrorRemote", "MirrorFakes", "TestSupport"]),
        .testTarget(name: "MirrorFakesTests", dependencies: [
            "MirrorFakes", "TestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "MirrorWorkflowsTests", dependencies: ["MirrorWorkflows", "MirrorFakes", "TestSupport"]),
        .testTarget(name: "MirrorWebTests", dependencies: [
            "MirrorWeb", "MirrorWorkflows", "MirrorStore", "MirrorFakes", "TestSupport",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "ShelfMirrorCLITests", dependencies: [
            "ShelfMirrorCLI", "MirrorStore", "MirrorFakes", "TestSupport", "shelfmirror",
        ]),
    ],
    cxxLanguageStandard: .cxx17
)
