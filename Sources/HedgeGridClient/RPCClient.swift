import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Synchronization

/// A failed call: the daemon's error, or the connection's.
public enum ClientError: Error, CustomStringConvertible, Sendable {
    /// The daemon answered with a JSON-RPC error.
    case rpc(RPCError)
    /// The connection closed before the answer came.
    case connectionClosed
    /// The answer did not have the expected shape.
    case unexpectedResult(String)

    public var description: String {
        switch self {
        case .rpc(let error): return error.message
        case .connectionClosed: return "the daemon closed the connection"
        case .unexpectedResult(let detail): return "unexpected answer from the daemon: \(detail)"
        }
    }
}

/// A notification received from the daemon.
public struct ServerNotification: Sendable {
    public var method: String
    public var params: JSONValue?
}

/// A JSON-RPC client over one connection to the daemon: calls by method name, and a
/// stream of the daemon's notifications in the order they arrived.
public final class RPCClient: Sendable {
    private struct State {
        var nextID: Int64 = 1
        var pending: [RPCID: CheckedContinuation<JSONValue, Error>] = [:]
        /// Requests written to the daemon, and requests whose caller cancelled: a cancellation
        /// that comes before the request is written is sent right after it.
        var sent: Set<RPCID> = []
        var cancelled: Set<RPCID> = []
        var closed = false
    }

    public let connection: FramedConnection
    /// Every notification the daemon sends, buffered until read.
    public let notifications: AsyncStream<ServerNotification>
    private let notificationSink: AsyncStream<ServerNotification>.Continuation
    private let state = Mutex(State())

    /// Starts a client over an open connection.
    public init(connection: FramedConnection) {
        self.connection = connection
        (notifications, notificationSink) = AsyncStream.makeStream(of: ServerNotification.self)
        // Weak references: a client nobody holds any more closes its connection (see deinit),
        // which ends the reading thread.
        connection.start(
            onEvent: { [weak self] event in self?.receive(event) },
            onClose: { [weak self] in self?.failAll() })
    }

    deinit {
        connection.close()
        notificationSink.finish()
    }

    /// Connects to the daemon's Unix socket.
    public static func connect(socketPath: String, maxFrameBytes: Int = 1 << 30) throws(SocketError) -> RPCClient {
        let fd = try UnixSocket.connect(path: socketPath)
        return RPCClient(connection: FramedConnection(socket: fd, maxFrameBytes: maxFrameBytes))
    }

    /// Calls `method` and returns its result; a daemon error is thrown as `ClientError.rpc`.
    /// Cancelling the calling task sends `$/cancelRequest`.
    public func call(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        try Task.checkCancellation()
        let id = state.withLock { state -> RPCID in
            defer { state.nextID += 1 }
            return .int(state.nextID)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let registered = state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.pending[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(throwing: ClientError.connectionClosed)
                    return
                }
                if !connection.send(RPCMessage.request(id: id, method: method, params: params)) {
                    fail(id, ClientError.connectionClosed)
                    return
                }
                let cancelledEarly = state.withLock { state -> Bool in
                    state.sent.insert(id)
                    return state.cancelled.contains(id)
                }
                if cancelledEarly { sendCancel(id) }
            }
        } onCancel: {
            let written = state.withLock { state -> Bool in
                state.cancelled.insert(id)
                return state.sent.contains(id)
            }
            if written { sendCancel(id) }
        }
    }

    /// Calls `method` with encodable params and decodes the result as `R`.
    public func call<R: Decodable>(_ method: String, _ params: some Encodable, as type: R.Type) async throws -> R {
        let result = try await call(method, try JSONValue(encoding: params))
        do {
            return try result.decode(R.self)
        } catch {
            throw ClientError.unexpectedResult("\(method): \(error)")
        }
    }

    /// Sends a notification (no answer).
    public func notify(_ method: String, _ params: JSONValue? = nil) {
        connection.send(RPCMessage.notification(method: method, params: params))
    }

    /// Closes the connection; calls still waiting fail with `connectionClosed`.
    public func close() {
        connection.close()
    }

    private func receive(_ event: FrameDecoder.Event) {
        guard case .frame(let body) = event, case .success(let value) = Frame.decodeBody(body) else { return }
        let messages = value.arrayValue ?? [value]
        for item in messages {
            switch RPCMessage.parse(item) {
            case .success(.response(let id?, let result)):
                switch result {
                case .success(let value): resume(id, .success(value))
                case .failure(let error): resume(id, .failure(ClientError.rpc(error)))
                }
            case .success(.notification(let method, let params)):
                notificationSink.yield(ServerNotification(method: method, params: params))
            default:
                break
            }
        }
    }

    private func sendCancel(_ id: RPCID) {
        notify(MethodName.cancelRequest, ["id": id.json])
    }

    private func resume(_ id: RPCID, _ result: Result<JSONValue, Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<JSONValue, Error>? in
            state.sent.remove(id)
            state.cancelled.remove(id)
            return state.pending.removeValue(forKey: id)
        }
        continuation?.resume(with: result)
    }

    private func fail(_ id: RPCID, _ error: Error) {
        resume(id, .failure(error))
    }

    private func failAll() {
        let pending = state.withLock { state -> [CheckedContinuation<JSONValue, Error>] in
            state.closed = true
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for continuation in pending { continuation.resume(throwing: ClientError.connectionClosed) }
        notificationSink.finish()
    }
}
