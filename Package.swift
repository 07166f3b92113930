// swift-tools-version: 6.0
import PackageDescription

/// HedgeGrid: a JSON-RPC daemon (`hedgegridd`) and its shell client (`hgctl`) for
/// backtesting and tuning grid strategies on Binance USDT-M perpetual futures.
let package = Package(
    name: "HedgeGrid",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hedgegridd", targets: ["hedgegridd"]),
        .executable(name: "hgctl", targets: ["hgctl"]),
        .executable(name: "hedgegrid-fetch", targets: ["hedgegrid-fetch"]),
        .library(name: "HedgeGridClient", targets: ["HedgeGridClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // libsystemd: sd_notify, sd_listen_fds, sd_watchdog_enabled.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // Simulation core: indicators, strategy pieces, metrics. Pure computation, no I/O.
        .target(name: "HedgeGridCore"),
        // Market data: Binance kline, funding and exchangeInfo files (CSV or zip) into core series.
        .target(
            name: "HedgeGridData",
            dependencies: [
                "HedgeGridCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Downloads from Binance (bulk archives with SHA-256 checks, REST API) into the catalog.
        // HTTP and TLS live here only: the daemon runs downloads in the hedgegrid-fetch helper.
        .target(
            name: "HedgeGridDownload",
            dependencies: ["HedgeGridCore", "HedgeGridData", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Backtests as users run them: YAML configs, data files, the engine, report files.
        .target(
            name: "HedgeGridBacktest",
            dependencies: ["HedgeGridCore", "HedgeGridData", .product(name: "Yams", package: "Yams")]
        ),
        // Optimization: parameter spaces and samplers (TPE, random). Pure computation.
        .target(name: "HedgeGridOptimization"),
        // Studies: optimization configs, the SQLite study store, parallel trial runs over loaded data.
        .target(
            name: "HedgeGridStudy",
            dependencies: [
                "HedgeGridCore", "HedgeGridBacktest", "HedgeGridOptimization", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The wire protocol: JSON values, JSON-RPC 2.0 messages, LSP base framing. No I/O.
        .target(name: "HedgeGridRPC"),
        // Linux epoll (sys/epoll.h), which the Glibc module leaves out.
        .systemLibrary(name: "CEpoll"),
        // Byte transport shared by daemon and clients: Unix sockets, peer credentials,
        // framed connections over file descriptors (read by a thread or a shared poller), default paths.
        .target(name: "HedgeGridTransport", dependencies: ["HedgeGridRPC", "CEpoll"]),
        // The daemon: transports, connections, dispatch, jobs, systemd integration.
        .target(
            name: "HedgeGridServer",
            dependencies: [
                "HedgeGridRPC",
                "HedgeGridTransport",
                "HedgeGridBacktest",
                "HedgeGridData",
                "HedgeGridStudy",
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // A client of the daemon: socket connection, calls, notifications, auto-start.
        .target(name: "HedgeGridClient", dependencies: ["HedgeGridRPC", "HedgeGridTransport"]),
        .executableTarget(
            name: "hedgegridd",
            dependencies: [
                "HedgeGridServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's download helper (one download per process; see DownloadWorker).
        .executableTarget(name: "hedgegrid-fetch", dependencies: ["HedgeGridDownload"]),
        .executableTarget(
            name: "hgctl",
            dependencies: [
                "HedgeGridCore",
                "HedgeGridOptimization",
                "HedgeGridStudy",
                "HedgeGridData",
                "HedgeGridClient",
                "HedgeGridTransport",
                "HedgeGridRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: real daemons on private sockets, raw connections.
        .target(
            name: "HedgeGridTestSupport",
            dependencies: ["HedgeGridRPC", "HedgeGridTransport", "HedgeGridClient"],
            path: "Tests/HedgeGridTestSupport"
        ),
        .testTarget(name: "HedgeGridCoreTests", dependencies: ["HedgeGridCore", "HedgeGridTestSupport"]),
        .testTarget(name: "HedgeGridOptimizationTests", dependencies: ["HedgeGridOptimization"]),
        .testTarget(
            name: "HedgeGridStudyTests",
            dependencies: ["HedgeGridStudy", "HedgeGridOptimization", "HedgeGridBacktest", "HedgeGridCore", "HedgeGridTestSupport"]
        ),
        .testTarget(
            name: "HedgeGridBacktestTests",
            dependencies: ["HedgeGridBacktest", "HedgeGridCore", "HedgeGridData", "HedgeGridTestSupport"]
        ),
        .testTarget(
            name: "HedgeGridDataTests",
            dependencies: [
                "HedgeGridData", "HedgeGridCore", "HedgeGridTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "HedgeGridDownloadTests",
            dependencies: [
                "HedgeGridDownload", "HedgeGridData", "HedgeGridCore", "HedgeGridTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "HedgeGridRPCTests", dependencies: ["HedgeGridRPC"]),
        .testTarget(
            name: "HedgeGridTransportTests", dependencies: ["HedgeGridTransport", "HedgeGridRPC", "HedgeGridTestSupport"]),
        .testTarget(
            name: "HedgeGridServerTests",
            dependencies: [
                "HedgeGridServer", "HedgeGridClient", "HedgeGridTransport", "HedgeGridRPC", "HedgeGridTestSupport",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "HedgeGridClientTests",
            dependencies: ["HedgeGridClient", "HedgeGridTransport", "HedgeGridRPC", "HedgeGridTestSupport"]
        ),
        // End-to-end tests of the hgctl binary.
        .testTarget(
            name: "HGCtlTests", dependencies: ["HedgeGridClient", "HedgeGridRPC", "HedgeGridTestSupport", "HedgeGridData", "HedgeGridCore"]),
    ],
    swiftLanguageModes: [.v6]
)
