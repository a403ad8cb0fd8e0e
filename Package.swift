// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "liudong",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "liudong", targets: ["liudong"]),
        .library(name: "LiudongCore", targets: ["LiudongCore"]),
        .library(name: "LiudongApp", targets: ["LiudongApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        // Tests only: page snapshots (the SnapshotTesting library alone; nothing of swift-syntax is built).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.17.0"),
    ],
    targets: [
        // libqrencode from Debian (libqrencode-dev).
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // libxlsxwriter from Debian (libxlsxwriter-dev), constant-memory .xlsx writing.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // zlib from Debian (zlib1g-dev): inflating the entries of .xlsx files we read.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Pure domain logic: no Vapor, no Fluent.
        .target(
            name: "LiudongCore",
            dependencies: [
                "CQRencode",
                "CXlsxWriter",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "LiudongApp",
            dependencies: [
                "LiudongCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
            ]
        ),
        .executableTarget(
            name: "liudong",
            dependencies: ["LiudongApp"]
        ),
        .testTarget(
            name: "LiudongCoreTests",
            dependencies: ["LiudongCore", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures/make_fixtures.py"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LiudongAppTests",
            dependencies: [
                "LiudongApp",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
