import ArgumentParser
import Foundation
import HedgeGridServer
import HedgeGridTransport
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `hedgegridd`: the HedgeGrid daemon.
@main
struct HedgeGridDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hedgegridd",
        abstract: "The HedgeGrid daemon: JSON-RPC 2.0 over a Unix socket or stdio.",
        discussion: """
            Paths: a flag wins over the environment (HEDGEGRID_SOCKET, HEDGEGRID_STATE_DIR, HEDGEGRID_CACHE_DIR, \
            and systemd's RUNTIME_DIRECTORY, STATE_DIRECTORY, CACHE_DIRECTORY), which wins over the config file, \
            which wins over the defaults for the mode (XDG directories as a user, /run, /var/lib and /var/cache with --system).
            """,
        version: HedgeGridVersion.current)

    @Flag(name: .long, help: "Serve one client on stdin/stdout (LSP lifecycle); logs go to stderr.")
    var stdio = false

    @Flag(name: .long, help: "Use the system service's default paths (/run/hedgegrid, /var/lib/hedgegrid, /var/cache/hedgegrid).")
    var system = false

    @Option(name: .long, help: "The Unix socket to listen on.")
    var socket: String?

    @Option(name: [.customLong("socket-group")], help: "Let this group's members connect (socket mode 0660).")
    var socketGroup: String?

    @Option(name: [.customLong("state-dir")], help: "Where studies and the catalog index live.")
    var stateDirectory: String?

    @Option(name: [.customLong("cache-dir")], help: "Where caches live.")
    var cacheDirectory: String?

    @Option(name: .long, help: "A YAML config file (keys: socket, socket_group, state_dir, cache_dir, max_frame_bytes, log_level, bulk_url, rest_url).")
    var config: String?

    @Option(name: [.customLong("max-frame-bytes")], help: "Largest accepted message body in bytes (default 16 MiB).")
    var maxFrameBytes: Int?

    @Option(name: [.customLong("log-level")], help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func validate() throws {
        if let maxFrameBytes, !(1024...(1 << 30)).contains(maxFrameBytes) {
            throw ValidationError("--max-frame-bytes must be in 1024...1073741824")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var file = DaemonConfigFile()
        if let path = config ?? environment["HEDGEGRID_CONFIG"] {
            do {
                file = try DaemonConfigFile.load(path: path)
            } catch {
                FileHandle.standardError.write(Data("hedgegridd: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let level = Logger.Level(rawValue: logLevel ?? environment["HEDGEGRID_LOG_LEVEL"] ?? file.logLevel ?? "info") ?? .info
        let format = JournalLogHandler.Format.detect()
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "hedgegridd")
        for key in file.unknownKeys {
            logger.warning("unknown key '\(key)' in the config file is ignored")
        }
        var group: gid_t?
        if let name = socketGroup ?? environment["HEDGEGRID_SOCKET_GROUP"] ?? file.socketGroup {
            guard let gid = PeerPolicy.groupID(named: name) else {
                FileHandle.standardError.write(Data("hedgegridd: socket group '\(name)' does not exist\n".utf8))
                throw ExitCode(2)
            }
            group = gid
        }
        let paths = DaemonPaths.resolve(
            mode: system ? .system : nil,
            flags: .init(socket: socket, stateDirectory: stateDirectory, cacheDirectory: cacheDirectory),
            config: .init(socket: file.socket, stateDirectory: file.stateDirectory, cacheDirectory: file.cacheDirectory))
        var options = DaemonOptions(
            paths: paths, stdio: stdio, socketGroup: group,
            maxFrameBytes: maxFrameBytes ?? file.maxFrameBytes ?? ServerConfiguration.defaultMaxFrameBytes)
        options.bulkURL = file.bulkURL
        options.restURL = file.restURL
        let daemon = HedgeGridDaemon(options: options, logger: logger)
        let code = await daemon.run()
        if code != 0 { throw ExitCode(code) }
    }
}

