import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Logging
import Synchronization

/// Dispatches JSON-RPC messages from every connected session to method handlers.
///
/// Each request runs as its own task, so a slow request never holds up another one, on the
/// same connection or another. Lifecycle messages (`initialize`, `shutdown`, `exit`,
/// `$/cancelRequest`) are handled in stream order on the connection's reading thread.
public final class RPCServer: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger
    public let startedAt = Date()
    public let jobs: JobManager
    /// Open study databases, running study jobs and study subscribers.
    let studies = StudyRegistry()
    private let handlers = ReadMostlyBox<[String: RegisteredMethod]>([:])
    private let sessions = LockedBox<[Int: ClientSession]>([:])
    /// `daemon/status`'s client list, rebuilt when a client connects, initializes or leaves, so
    /// a status answer takes one lock instead of one per connected session.
    private let clientEntries = LockedBox<(list: [DaemonStatus.Client], json: JSONValue)>(([], .array([])))
    private let nextSessionID = Atomic<Int>(1)
    private let exitHandler: Mutex<(@Sendable (Int32) -> Void)?> = Mutex(nil)
    private let stopHandler: Mutex<(@Sendable () -> Void)?> = Mutex(nil)

    /// Notifications the server sends.
    public static let notifications = [MethodName.progress, MethodName.jobFinished, MethodName.studyTrialCompleted]

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let sessions = self.sessions
        self.jobs = JobManager(logger: logger) { sessionID, method, params in
            let session = sessions.withLock { $0[sessionID] }
            session?.notify(method, params)
        }
        BuiltinMethods.register(on: self)
        BacktestMethods.register(on: self)
        DataMethods.register(on: self)
        DataMethods.registerMaintenance(on: self)
        DataMethods.registerDownload(on: self)
        StudyMethods.register(on: self)
    }

    /// Sends a notification to one session, if it is still connected.
    func notify(sessionID: Int, _ method: String, _ params: JSONValue?) {
        sessions.withLock { $0[sessionID] }?.notify(method, params)
    }

    /// Adds or replaces the handler of `method`.
    public func register(_ method: String, _ handler: @escaping MethodHandler) {
        handlers.write { $0[method] = .task(handler) }
    }

    /// Adds or replaces a quick method answered on the reading thread (see `ImmediateMethodHandler`).
    public func registerImmediate(_ method: String, _ handler: @escaping ImmediateMethodHandler) {
        handlers.write { $0[method] = .immediate(handler) }
    }

    /// The registered method names, sorted.
    public var methodNames: [String] {
        let registered = handlers.read { Array($0.keys) }
        return (registered + [MethodName.initialize, MethodName.shutdown]).sorted()
    }

    /// Called when a stdio client sends `exit`, with the LSP exit code (0 after `shutdown`, else 1).
    public func onExit(_ handler: @escaping @Sendable (Int32) -> Void) {
        exitHandler.withLock { $0 = handler }
    }

    /// Called when a client asks the daemon to stop (`daemon/stop`).
    public func onStopRequested(_ handler: @escaping @Sendable () -> Void) {
        stopHandler.withLock { $0 = handler }
    }

    func requestStop() {
        stopHandler.withLock { $0 }?()
    }

    /// Serves a new connection until it closes.
    @discardableResult
    public func attach(_ connection: FramedConnection, transport: ClientSession.Transport, credentials: PeerCredentials?) -> ClientSession {
        let id = nextSessionID.wrappingAdd(1, ordering: .relaxed).oldValue
        let session = ClientSession(id: id, transport: transport, connection: connection, credentials: credentials)
        sessions.withLock { $0[id] = session }
        refreshClientEntries()
        logger.debug("client connected", metadata: ["session": "\(id)", "transport": "\(transport.rawValue)"])
        connection.start(
            onEvent: { [self] event in handle(event, from: session) },
            onClose: { [self] in detach(session) })
        return session
    }

    /// Every connected session.
    public var connectedSessions: [ClientSession] {
        sessions.withLock { $0.values.sorted { $0.id < $1.id } }
    }

    /// The connected clients as `daemon/status` lists them.
    var connectedClients: [DaemonStatus.Client] {
        clientEntries.withLock { $0.list }
    }

    /// The same, rendered as JSON.
    var connectedClientsJSON: JSONValue {
        clientEntries.withLock { $0.json }
    }

    /// Rebuilds the client list (after a connect, an `initialize` or a disconnect).
    func refreshClientEntries() {
        let entries = connectedSessions.map(\.statusEntry)
        let json = DaemonStatus.json(clients: entries)
        clientEntries.withLock { $0 = (entries, json) }
    }

    /// Closes every connection.
    public func closeAll() {
        for session in connectedSessions { session.connection.close() }
    }

    private func detach(_ session: ClientSession) {
        sessions.withLock { _ = $0.removeValue(forKey: session.id) }
        refreshClientEntries()
        session.cancelAllRequests()
        let jobs = self.jobs
        Task { await jobs.unsubscribeAll(sessionID: session.id) }
        studies.unsubscribeAll(sessionID: session.id)
        logger.debug("client disconnected", metadata: ["session": "\(session.id)"])
        if session.transport == .stdio {
            // LSP: the client went away without `exit`.
            exitHandler.withLock { $0 }?(session.phase == .shutdownRequested ? 0 : 1)
        }
    }

    // MARK: - Messages

    private enum Prepared {
        case nothing
        case reply(JSONValue)
        case run(RPCID, String, JSONValue?, MethodHandler)
    }

    private func handle(_ event: FrameDecoder.Event, from session: ClientSession) {
        switch event {
        case .oversized(let length):
            logger.warning(
                "refused an oversized frame", metadata: ["session": "\(session.id)", "bytes": "\(length)"])
            session.connection.send(Self.response(nil, .failure(.frameTooLarge(size: length, limit: configuration.maxFrameBytes))))
        case .malformed(let reason):
            logger.warning("malformed frame header, closing", metadata: ["session": "\(session.id)", "reason": "\(reason)"])
            session.connection.send(Self.response(nil, .failure(.parseError("malformed frame header: \(reason); closing the connection"))))
        case .frame(let body):
            switch Frame.decodeBody(body) {
            case .failure(let error):
                session.connection.send(Self.response(nil, .failure(error)))
            case .success(let value):
                dispatch(value, from: session)
            }
        }
    }

    private func dispatch(_ value: JSONValue, from session: ClientSession) {
        if case .array(let elements) = value {
            guard !elements.isEmpty else {
                session.connection.send(Self.response(nil, .failure(.invalidRequest("empty batch"))))
                return
            }
            let prepared = elements.map { prepare($0, from: session) }
            Task {
                var responses: [JSONValue?] = Array(repeating: nil, count: prepared.count)
                await withTaskGroup(of: (Int, JSONValue?).self) { group in
                    for (index, item) in prepared.enumerated() {
                        group.addTask { (index, await self.complete(item, session: session)) }
                    }
                    for await (index, response) in group { responses[index] = response }
                }
                let replies = responses.compactMap { $0 }
                if !replies.isEmpty { session.connection.send(.array(replies)) }
            }
            return
        }
        switch prepare(value, from: session) {
        case .nothing:
            break
        case .reply(let response):
            session.connection.send(response)
        case .run(let id, let method, let params, let handler):
            session.startRequest(id) { [self] in
                let response = await run(id, method, params, handler, session: session)
                session.connection.send(response)
            }
        }
    }

    private func complete(_ prepared: Prepared, session: ClientSession) async -> JSONValue? {
        switch prepared {
        case .nothing: return nil
        case .reply(let response): return response
        case .run(let id, let method, let params, let handler):
            return await run(id, method, params, handler, session: session)
        }
    }

    private func prepare(_ value: JSONValue, from session: ClientSession) -> Prepared {
        let message: RPCMessage
        switch RPCMessage.parse(value) {
        case .failure(let failure):
            return .reply(Self.response(failure.id, .failure(failure.error)))
        case .success(let parsed):
            message = parsed
        }
        switch message {
        case .response:
            return .nothing  // The daemon sends no requests, so it expects no responses.
        case .notification(let method, let params):
            handleNotification(method, params, from: session)
            return .nothing
        case .request(let id, let method, let params):
            switch session.phase {
            case .awaitingInitialize where method != MethodName.initialize:
                return .reply(Self.response(id, .failure(.serverNotInitialized)))
            case .shutdownRequested:
                return .reply(Self.response(id, .failure(.invalidRequest("'shutdown' was received: only 'exit' is accepted now"))))
            case .ready where method == MethodName.initialize && session.strictLifecycle:
                return .reply(Self.response(id, .failure(.invalidRequest("'initialize' was already received"))))
            default:
                break
            }
            switch method {
            case MethodName.initialize:
                return .reply(Self.response(id, initialize(params, session: session)))
            case MethodName.shutdown:
                session.setPhase(.shutdownRequested)
                return .reply(Self.response(id, .success(.null)))
            default:
                switch handlers.read({ $0[method] }) {
                case nil:
                    return .reply(Self.response(id, .failure(.methodNotFound(method))))
                case .task(let handler)?:
                    return .run(id, method, params, handler)
                case .immediate(let handler)?:
                    let context = RequestContext(server: self, session: session, requestID: id)
                    return .reply(Self.response(id, Self.outcome(method: method, logger: logger) { try handler(context, params) }))
                }
            }
        }
    }

    private func initialize(_ params: JSONValue?, session: ClientSession) -> Result<JSONValue, RPCError> {
        do {
            let request = try params.decodeParams(InitializeParams.self)
            session.setClientInfo(request.clientInfo)
            refreshClientEntries()
            session.setPhase(.ready)
            let result = InitializeResult(
                serverInfo: PeerInfo(name: HedgeGridVersion.serverName, version: HedgeGridVersion.current),
                capabilities: ServerCapabilities(
                    methods: methodNames, notifications: Self.notifications, maxFrameBytes: configuration.maxFrameBytes))
            return .success(try JSONValue(encoding: result))
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(.internalError("\(error)"))
        }
    }

    private func handleNotification(_ method: String, _ params: JSONValue?, from session: ClientSession) {
        switch method {
        case MethodName.exit:
            if session.transport == .stdio {
                let code: Int32 = session.phase == .shutdownRequested ? 0 : 1
                session.connection.flush()
                exitHandler.withLock { $0 }?(code)
            } else {
                session.connection.close()
            }
        case MethodName.cancelRequest:
            guard session.phase != .awaitingInitialize else { return }
            switch params?["id"] {
            case .int(let value)?: session.cancelRequest(.int(value))
            case .string(let value)?: session.cancelRequest(.string(value))
            default: logger.debug("ignored $/cancelRequest without a valid id")
            }
        case MethodName.initialized:
            break
        default:
            // Unknown notifications are dropped, as JSON-RPC requires (no reply to a notification).
            logger.debug("ignored notification", metadata: ["method": "\(method)"])
        }
    }

    private func run(
        _ id: RPCID, _ method: String, _ params: JSONValue?, _ handler: MethodHandler, session: ClientSession
    ) async -> JSONValue {
        let context = RequestContext(server: self, session: session, requestID: id)
        do {
            return Self.response(id, .success(try await handler(context, params)))
        } catch {
            return Self.response(id, Self.outcome(method: method, logger: logger) { throw error })
        }
    }

    /// Maps a handler's outcome to a result: cancellation is -32800, an `RPCError` stays itself,
    /// anything else is logged and becomes -32603.
    private static func outcome(method: String, logger: Logger, _ body: () throws -> JSONValue) -> Result<JSONValue, RPCError> {
        do {
            return .success(try body())
        } catch is CancellationError {
            return .failure(.requestCancelled)
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            logger.error("method failed", metadata: ["method": "\(method)", "error": "\(error)"])
            return .failure(.internalError(String(describing: error)))
        }
    }

    static func response(_ id: RPCID?, _ result: Result<JSONValue, RPCError>) -> JSONValue {
        RPCMessage.response(id: id, result: result).json
    }
}
