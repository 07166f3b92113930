import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Synchronization

/// One connected client: its transport, lifecycle state and requests in flight.
public final class ClientSession: Sendable {
    /// Where in the LSP lifecycle the session is.
    public enum Phase: Sendable {
        /// `initialize` not yet received (stdio only; socket sessions start `ready`).
        case awaitingInitialize
        case ready
        /// `shutdown` received: only `exit` is accepted.
        case shutdownRequested
    }

    public enum Transport: String, Sendable {
        case socket, stdio
    }

    private struct State {
        var phase: Phase
        var clientInfo: PeerInfo?
        var inflight: [RPCID: Task<Void, Never>] = [:]
    }

    public let id: Int
    public let transport: Transport
    public let connection: FramedConnection
    public let credentials: PeerCredentials?
    public let connectedAt = Date()
    private let state: Mutex<State>

    init(id: Int, transport: Transport, connection: FramedConnection, credentials: PeerCredentials?) {
        self.id = id
        self.transport = transport
        self.connection = connection
        self.credentials = credentials
        self.state = Mutex(State(phase: transport == .stdio ? .awaitingInitialize : .ready))
    }

    /// The stdio transport follows the LSP lifecycle strictly; sockets may skip `initialize`.
    public var strictLifecycle: Bool { transport == .stdio }

    public var phase: Phase {
        get { state.withLock { $0.phase } }
    }

    func setPhase(_ phase: Phase) {
        state.withLock { $0.phase = phase }
    }

    public var clientInfo: PeerInfo? {
        state.withLock { $0.clientInfo }
    }

    func setClientInfo(_ info: PeerInfo?) {
        state.withLock { $0.clientInfo = info }
    }

    /// Starts `body` as the task answering request `id`, so `$/cancelRequest` can reach it.
    func startRequest(_ id: RPCID, _ body: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.inflight[id] = Task { [self] in
                await body()
                self.finishRequest(id)
            }
        }
    }

    private func finishRequest(_ id: RPCID) {
        state.withLock { _ = $0.inflight.removeValue(forKey: id) }
    }

    /// Cancels the request `id` if it is still running.
    func cancelRequest(_ id: RPCID) {
        let task = state.withLock { $0.inflight[id] }
        task?.cancel()
    }

    /// Cancels every request in flight (the client went away).
    func cancelAllRequests() {
        let tasks = state.withLock { Array($0.inflight.values) }
        for task in tasks { task.cancel() }
    }

    /// Sends a notification to this client.
    public func notify(_ method: String, _ params: JSONValue?) {
        connection.send(RPCMessage.notification(method: method, params: params))
    }

    var statusEntry: DaemonStatus.Client {
        DaemonStatus.Client(
            id: id, transport: transport.rawValue, uid: credentials.map { Int($0.uid) },
            pid: credentials.map { Int($0.pid) }, clientInfo: clientInfo, connectedAt: connectedAt)
    }
}
