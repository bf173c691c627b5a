// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Gage",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gage", targets: ["gage"]),
        .executable(name: "gage-verify", targets: ["gage-verify"]),
        .library(name: "GageCore", targets: ["GageCore"]),
        .library(name: "GageCatalog", targets: ["GageCatalog"]),
        .library(name: "GageSite", targets: ["GageSite"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries (Debian: libcmark-dev).
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // SQLite (Debian: libsqlite3-dev), for the order ledger.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libpq (Debian: libpq-dev), for the order ledger on PostgreSQL when several hosts share it.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libcurl (Debian: libcurl4-openssl-dev), with typed wrappers for its variadic setopt/getinfo.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // OpenSSL's libcrypto (Debian: libssl-dev): HMAC-SHA256 for PortOne V2's webhook signatures.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libvips (Debian: libvips-dev), with typed wrappers for its variadic operations: product photos.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // Product photos: resized variants in WebP and the source's format, cached by content across builds.
        .target(name: "GageImages", dependencies: ["GageCore", "CVips", "CCrypto"]),
        // Standard Webhooks signatures (PortOne V2): signing for the stand-in, verifying for the function.
        .target(name: "GageWebhooks", dependencies: ["CCrypto"]),

        // The price manifest and the one implementation of an order's price. Foundation-light so that
        // the verify function can link it without pulling in full Foundation.
        .target(name: "GageCore", dependencies: ["CCrypto"]),

        // Shop settings and product files: YAML front matter decoded into typed values, validated.
        .target(name: "GageCatalog", dependencies: [
            "GageCore",
            .product(name: "Yams", package: "Yams"),
        ]),

        // What Gage adds to swift-mustache: HTML escaping byte by byte, for the pages and the HTML e-mails.
        .target(name: "GageMustache", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),

        // The build pipeline: load → validate → render → write.
        .target(name: "GageSite", dependencies: [
            "GageCore", "GageCatalog", "GageImages", "GageMustache", "CCmark",
            .product(name: "Mustache", package: "swift-mustache"),
        ], plugins: ["EmbedTheme"]),

        // Payment verification: the Iamport client (libcurl), the decision, the CGI and stdin front doors.
        .target(name: "GagePayments", dependencies: ["GageCore", "GageLedger", "GageWebhooks", "CCurl"]),
        // The order ledger: every judged order, durably, in SQLite or PostgreSQL behind one interface.
        .target(name: "GageLedger", dependencies: ["GageCore", "CSQLite", "CLibPQ"]),
        // Notifications (SPEC §8): the outbox's contents (e-mails rendered from templates/emails/, chat lines) and
        // their delivery over SMTP and chat webhooks, both through libcurl.
        .target(name: "GageNotify", dependencies: [
            "GageCore", "GageLedger", "GagePayments", "GageMustache", "CCurl",
            .product(name: "Mustache", package: "swift-mustache"),
        ], plugins: ["EmbedTheme"]),
        .executableTarget(name: "gage-verify", dependencies: ["GagePayments", "GageNotify"], path: "functions/verify",
                          exclude: ["README.md", "deploy"]),

        // A stand-in for the Iamport REST API on 127.0.0.1 (tests, `gage sandbox`, `gage serve --sandbox`).
        .target(name: "IamportSandbox", dependencies: [.product(name: "FlyingFox", package: "FlyingFox")]),

        // A stand-in for the PortOne V2 REST API, beside the V1 one: payments, cancel, pre-register, signed webhooks.
        .target(name: "PortOneSandbox", dependencies: ["IamportSandbox", "GageWebhooks"]),

        // `gage serve`: the dev server with live reload, and the offline payment sandbox.
        .target(name: "GageServe", dependencies: [
            "GageSite", "GageCatalog", "IamportSandbox", "PortOneSandbox", "GageLedger",
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),

        // Turns the repository's templates/ folder into Swift source, so the default theme ships inside the binary.
        .executableTarget(name: "gage-embed-theme", path: "Sources/gage-embed-theme"),
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["gage-embed-theme"]),

        // `gage doctor`: a deployment checked end to end, over the libraries each check reaches.
        .target(name: "GageDoctor", dependencies: ["GageCore", "GageCatalog", "GageSite", "GagePayments", "GageLedger",
                                                   "GageNotify"]),
        .executableTarget(name: "gage", dependencies: [
            "GageCore", "GageCatalog", "GageSite", "GageServe", "IamportSandbox", "PortOneSandbox", "GageLedger", "GagePayments",
            "GageNotify", "GageDoctor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shop folders written to a temporary directory, for the tests.
        .target(name: "GageTestSupport", path: "Tests/GageTestSupport"),
        .testTarget(name: "GageCoreTests", dependencies: ["GageCore", "GageTestSupport"]),
        .testTarget(name: "GagePaymentsTests", dependencies: ["GagePayments", "GageCore", "GageWebhooks"]),
        .testTarget(name: "GageLedgerTests", dependencies: ["GageLedger", "GageCore"]),
        .testTarget(name: "GageNotifyTests", dependencies: ["GageNotify", "GageLedger", "GageCore"]),
        .testTarget(name: "GageCatalogTests", dependencies: [
            "GageCatalog", "GageTestSupport", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "GageImagesTests", dependencies: ["GageImages", "GageCore"]),
        .testTarget(name: "GageSiteTests", dependencies: ["GageSite", "GageCatalog", "GageCore", "GageTestSupport"]),
    ]
)
