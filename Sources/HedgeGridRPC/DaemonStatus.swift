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

extension DaemonStatus {
    /// The status as JSON, the same shape as the `Codable` form.
    public var json: JSONValue {
        var members = constantMembers
        members["uptimeSeconds"] = .double(uptimeSeconds)
        members["jobs"] = Self.json(jobs: jobs)
        members["clients"] = Self.json(clients: clients)
        return .object(members)
    }

    /// The members that stay the same while a daemon runs.
    fileprivate var constantMembers: [String: JSONValue] {
        [
            "name": .string(name), "version": .string(version), "pid": .int(Int64(pid)),
            "startedAt": .string(ISO8601Timestamp.string(from: startedAt)), "mode": .string(mode),
            "socketPath": socketPath.map { .string($0) } ?? .null, "socketActivated": .bool(socketActivated),
            "stateDirectory": .string(stateDirectory), "cacheDirectory": .string(cacheDirectory),
        ]
    }

    fileprivate static func json(jobs: JobCounts) -> JSONValue {
        ["running": .int(Int64(jobs.running)), "finished": .int(Int64(jobs.finished))]
    }

    /// A client list as JSON.
    public static func json(clients: [Client]) -> JSONValue {
        func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return .array(clients.map { client in
            var entry: [String: JSONValue] = [
                "id": .int(Int64(client.id)), "transport": .string(client.transport),
                "uid": optional(client.uid), "pid": optional(client.pid),
                "connectedAt": .string(ISO8601Timestamp.string(from: client.connectedAt)),
            ]
            if let info = client.clientInfo {
                entry["clientInfo"] = ["name": .string(info.name), "version": info.version.map { .string($0) } ?? .null]
            }
            return .object(entry)
        })
    }

    /// Renders `daemon/status` results: the members that never change while the daemon runs are
    /// rendered once, the client list whenever a client comes or goes, and a request only adds
    /// the uptime and the job counts. The text parses to the same value as `DaemonStatus.json`.
    public struct Renderer: Sendable {
        /// `{"cacheDirectory":…,…,"version":…` without the closing brace.
        private let head: [UInt8]

        /// Takes the constant members from `status`; its uptime, jobs and clients are not used.
        public init(constantsOf status: DaemonStatus) {
            var text = RenderedJSON(.object(status.constantMembers)).bytes
            text.removeLast()  // the closing brace: the changing members follow
            head = text
        }

        /// The status with these changing members.
        public func render(uptimeSeconds: Double, jobs: JobCounts, clients: RenderedJSON) -> RenderedJSON {
            var text = head
            text.reserveCapacity(head.count + clients.bytes.count + 96)
            text.append(contentsOf: #","uptimeSeconds":"#.utf8)
            JSONSerializer.write(.double(uptimeSeconds), into: &text)
            text.append(contentsOf: #","jobs":{"finished":"#.utf8)
            text.append(contentsOf: String(jobs.finished).utf8)
            text.append(contentsOf: #","running":"#.utf8)
            text.append(contentsOf: String(jobs.running).utf8)
            text.append(UInt8(ascii: "}"))
            text.append(contentsOf: #","clients":"#.utf8)
            text.append(contentsOf: clients.bytes)
            text.append(UInt8(ascii: "}"))
            return RenderedJSON(bytes: text)
        }
    }
}
