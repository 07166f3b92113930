import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the daemon keeps its socket, state and caches, for a user daemon or the system service.
///
/// Precedence for each path: a flag, then the environment (`HEDGEGRID_SOCKET`,
/// `HEDGEGRID_STATE_DIR`, `HEDGEGRID_CACHE_DIR`; systemd's `RUNTIME_DIRECTORY`,
/// `STATE_DIRECTORY`, `CACHE_DIRECTORY`), then the config file, then the default for the mode:
/// XDG directories for a user, `/run`, `/var/lib` and `/var/cache` for the system.
public struct DaemonPaths: Sendable, Equatable {
    /// `user` or `system`.
    public enum Mode: String, Sendable {
        case user, system
    }

    public var mode: Mode
    public var socket: String
    public var stateDirectory: String
    public var cacheDirectory: String

    public init(mode: Mode, socket: String, stateDirectory: String, cacheDirectory: String) {
        self.mode = mode
        self.socket = socket
        self.stateDirectory = stateDirectory
        self.cacheDirectory = cacheDirectory
    }

    public static let socketFileName = "hedgegridd.sock"
    public static let systemSocket = "/run/hedgegrid/hedgegridd.sock"

    /// Paths given explicitly, by flags or by a config file.
    public struct Overrides: Sendable, Equatable {
        public var socket: String?
        public var stateDirectory: String?
        public var cacheDirectory: String?

        public init(socket: String? = nil, stateDirectory: String? = nil, cacheDirectory: String? = nil) {
            self.socket = socket
            self.stateDirectory = stateDirectory
            self.cacheDirectory = cacheDirectory
        }
    }

    /// Resolves every path: `flags` first, then the environment, then `config`, then the mode's default.
    public static func resolve(
        mode requestedMode: Mode? = nil,
        flags: Overrides = Overrides(),
        config: Overrides = Overrides(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        uid: uid_t = getuid()
    ) -> DaemonPaths {
        let mode = requestedMode ?? .user
        func firstEntry(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value.split(separator: ":").first.map(String.init)
        }
        func nonEmpty(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let home = nonEmpty("HOME") ?? "/tmp"

        let resolvedSocket: String
        if let socket = flags.socket {
            resolvedSocket = socket
        } else if let fromEnvironment = nonEmpty("HEDGEGRID_SOCKET") {
            resolvedSocket = fromEnvironment
        } else if let runtime = firstEntry("RUNTIME_DIRECTORY") {
            resolvedSocket = runtime + "/" + socketFileName
        } else if let socket = config.socket {
            resolvedSocket = socket
        } else if mode == .system {
            resolvedSocket = systemSocket
        } else {
            resolvedSocket = userRuntimeDirectory(environment: environment, uid: uid) + "/" + socketFileName
        }

        let resolvedState = flags.stateDirectory ?? nonEmpty("HEDGEGRID_STATE_DIR") ?? firstEntry("STATE_DIRECTORY")
            ?? config.stateDirectory
            ?? (mode == .system ? "/var/lib/hedgegrid" : (nonEmpty("XDG_STATE_HOME") ?? home + "/.local/state") + "/hedgegrid")
        let resolvedCache = flags.cacheDirectory ?? nonEmpty("HEDGEGRID_CACHE_DIR") ?? firstEntry("CACHE_DIRECTORY")
            ?? config.cacheDirectory
            ?? (mode == .system ? "/var/cache/hedgegrid" : (nonEmpty("XDG_CACHE_HOME") ?? home + "/.cache") + "/hedgegrid")
        return DaemonPaths(
            mode: mode, socket: resolvedSocket, stateDirectory: resolvedState, cacheDirectory: resolvedCache)
    }

    /// `$XDG_RUNTIME_DIR/hedgegrid`, or `/tmp/hedgegrid-UID` when the session has no runtime directory.
    public static func userRuntimeDirectory(environment: [String: String], uid: uid_t) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/hedgegrid"
        }
        return "/tmp/hedgegrid-\(uid)"
    }

    /// Creates a directory (and its parents) readable only by its owner when it does not exist.
    public static func createPrivateDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
