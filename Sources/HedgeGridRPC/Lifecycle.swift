/// Who is on the other end of a connection.
public struct PeerInfo: Codable, Sendable, Hashable {
    public var name: String
    public var version: String?

    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }
}

/// Params of `initialize`.
public struct InitializeParams: Codable, Sendable {
    public var processId: Int?
    public var clientInfo: PeerInfo?

    public init(processId: Int? = nil, clientInfo: PeerInfo? = nil) {
        self.processId = processId
        self.clientInfo = clientInfo
    }
}

/// What the server offers: the methods it answers and the notifications it sends.
public struct ServerCapabilities: Codable, Sendable {
    public var methods: [String]
    public var notifications: [String]
    public var maxFrameBytes: Int
    public var workDoneProgress: Bool

    public init(methods: [String], notifications: [String], maxFrameBytes: Int, workDoneProgress: Bool = true) {
        self.methods = methods
        self.notifications = notifications
        self.maxFrameBytes = maxFrameBytes
        self.workDoneProgress = workDoneProgress
    }
}

/// Result of `initialize`.
public struct InitializeResult: Codable, Sendable {
    public var serverInfo: PeerInfo
    public var capabilities: ServerCapabilities

    public init(serverInfo: PeerInfo, capabilities: ServerCapabilities) {
        self.serverInfo = serverInfo
        self.capabilities = capabilities
    }
}
