import Foundation

/// Result of `daemon/status`.
public struct DaemonStatus: Codable, Sendable {
    /// One connected client.
    public struct Client: Codable, Sendable {
        public var id: Int
        public var transport: String
        public var uid: Int?
        public var pid: Int?
        public var clientInfo: PeerInfo?
        public var connectedAt: Date

        public init(id: Int, transport: String, uid: Int?, pid: Int?, clientInfo: PeerInfo?, connectedAt: Date) {
            self.id = id
            self.transport = transport
            self.uid = uid
            self.pid = pid
            self.clientInfo = clientInfo
            self.connectedAt = connectedAt
        }
    }

    /// Job counts by state.
    public struct JobCounts: Codable, Sendable {
        public var running: Int
        public var finished: Int

        public init(running: Int, finished: Int) {
            self.running = running
            self.finished = finished
        }
    }

    public var name: String
    public var version: String
    public var pid: Int
    public var uptimeSeconds: Double
    public var startedAt: Date
    /// `user` or `system`.
    public var mode: String
    /// The socket served, or nil for a stdio-only daemon.
    public var socketPath: String?
    /// Whether the socket was inherited through systemd socket activation.
    public var socketActivated: Bool
    public var stateDirectory: String
    public var cacheDirectory: String
    public var jobs: JobCounts
    public var clients: [Client]

    public init(
        name: String, version: String, pid: Int, uptimeSeconds: Double, startedAt: Date, mode: String,
        socketPath: String?, socketActivated: Bool, stateDirectory: String, cacheDirectory: String,
        jobs: JobCounts, clients: [Client]
    ) {
        self.name = name
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.startedAt = startedAt
        self.mode = mode
        self.socketPath = socketPath
        self.socketActivated = socketActivated
        self.stateDirectory = stateDirectory
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
        self.clients = clients
    }
}
