import HedgeGridTransport

/// What the RPC server needs to know about the daemon around it.
public struct ServerConfiguration: Sendable {
    /// Largest accepted frame body; a larger one is refused with -32001 and skipped.
    public var maxFrameBytes: Int
    public var paths: DaemonPaths
    /// The socket served, or nil for a stdio-only daemon.
    public var socketPath: String?
    public var socketActivated: Bool
    /// Market-data sources from the config file; a request or the environment wins over them.
    public var bulkURL: String?
    public var restURL: String?

    public static let defaultMaxFrameBytes = 16 << 20

    public init(maxFrameBytes: Int = defaultMaxFrameBytes, paths: DaemonPaths, socketPath: String?, socketActivated: Bool = false) {
        self.maxFrameBytes = maxFrameBytes
        self.paths = paths
        self.socketPath = socketPath
        self.socketActivated = socketActivated
    }
}
