import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// Everything that decides how a daemon runs, after flags, environment and config file are merged.
public struct DaemonOptions: Sendable {
    public var paths: DaemonPaths
    /// Serve one client on stdin/stdout instead of the socket.
    public var stdio: Bool
    /// Group allowed on the socket (mode 0660); nil keeps it owner-only (0600).
    public var socketGroup: gid_t?
    public var maxFrameBytes: Int
    /// How long running jobs get to persist their state on SIGTERM.
    public var shutdownGrace: Duration
    /// Market-data sources from the config file.
    public var bulkURL: String?
    public var restURL: String?

    public init(
        paths: DaemonPaths, stdio: Bool = false, socketGroup: gid_t? = nil,
        maxFrameBytes: Int = ServerConfiguration.defaultMaxFrameBytes, shutdownGrace: Duration = .seconds(10)
    ) {
        self.paths = paths
        self.stdio = stdio
        self.socketGroup = socketGroup
        self.maxFrameBytes = maxFrameBytes
        self.shutdownGrace = shutdownGrace
    }
}
