// swift-tools-version:6.0
import PackageDescription

// The owner's rule: no Swift package dependencies. Only the toolchain and system C
// libraries (libsqlite3, libcrypt, libpq, libssl) through system-library targets.
let package = Package(
    name: "mygaz-admin",
    products: [
        .executable(name: "mygaz-admin", targets: ["mygaz-admin"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypt",
            path: "Sources/CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        .systemLibrary(
            name: "CSystem",
            path: "Sources/CSystem"
        ),
        // PostgreSQL's client library; only Sources/MyGazCore/Engines/PostgreSQL/ imports it
        .systemLibrary(
            name: "CLibpq",
            path: "Sources/CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // OpenSSL, the SMTP client's TLS; only Sources/MyGazCore/Outbox/SMTP/TLS.swift imports it
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "MyGazCore",
            dependencies: ["CSQLite", "CCrypt", "CSystem", "CLibpq", "COpenSSL"]
        ),
        .target(
            name: "MyGazCLI",
            dependencies: ["MyGazCore"]
        ),
        .executableTarget(
            name: "mygaz-admin",
            dependencies: ["MyGazCLI"]
        ),
        // test support, not a test: the throwaway PostgreSQL server the test targets share
        .target(
            name: "EngineHarness",
            dependencies: ["MyGazCore"],
            path: "Tests/EngineHarness"
        ),
        .testTarget(
            name: "MyGazCoreTests",
            dependencies: ["MyGazCore", "EngineHarness"]
        ),
        .testTarget(
            name: "MyGazCLITests",
            dependencies: ["MyGazCLI", "EngineHarness"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["mygaz-admin", "MyGazCore", "MyGazCLI", "EngineHarness"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
