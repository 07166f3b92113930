import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Logging
import Synchronization

/// Dispatches JSON-RPC messages from every connected session to method handlers.
///
/// Each request runs as its own task, so a slow request never holds up another one, on the
/// same connection or another. Lifecycle messages (`initialize`, `shutdown`, `exit`,
/// `$/cancelRequest`) and immediate methods (`daemon/status`) are handled in stream order on the
/// reading thread: the socket connections' shared poller, or the stdio connection's own thread.
public final class RPCServer: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger
    public let startedAt = Date()
    public let jobs: JobManager
    /// Open study databases, running study jobs and study subscribers.
    let studies = StudyRegistry()
    private let handlers = ReadMostlyBox<[String: RegisteredMethod]>([:])
    private let sessions = LockedBox<[Int: ClientSession]>([:])
    /// `daemon/status`'s client list, rendered when a client connects, initializes or leaves, so
    /// a status answer takes one lock and renders nothing per connected session.
    private let renderedClients = LockedBox(RenderedJSON(.array([])))
    /// Renders `daemon/status` around the members that stay the same while the daemon runs.
    private let statusRenderer: DaemonStatus.Renderer
    private let nextSessionID = Atomic<Int>(1)
    private let exitHandler: Mutex<(@Sendable (Int32) -> Void)?> = Mutex(nil)
    private let stopHandler: Mutex<(@Sendable () -> Void)?> = Mutex(nil)

    /// Notifications the server sends.
    public static let notifications = [MethodName.progress, MethodName.jobFinished, MethodName.studyTrialCompleted]

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.statusRenderer = DaemonStatus.Renderer(constantsOf: Self.status(
            configuration: configuration, startedAt: startedAt, jobs: DaemonStatus.JobCounts(running: 0, finished: 0), clients: []))
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
        // Sockets share one polling thread (see `ConnectionPoller`); stdio reads on its own thread.
        connection.start(
            poller: transport == .socket ? .shared : nil,
            onEvent: { [self] event in handle(event, from: session) },
            onClose: { [self] in detach(session) })
        return session
    }

    /// Every connected session.
    public var connectedSessions: [ClientSession] {
        sessions.withLock { $0.values.sorted { $0.id < $1.id } }
    }

    /// The daemon's status now, rendered as `daemon/status` answers it (see `DaemonStatus.Renderer`).
    func renderedStatus() -> RenderedJSON {
        statusRenderer.render(
            uptimeSeconds: Date().timeIntervalSince(startedAt), jobs: jobs.counts,
            clients: renderedClients.withLock { $0 })
    }

    private static func status(
        configuration: ServerConfiguration, startedAt: Date, jobs: DaemonStatus.JobCounts, clients: [DaemonStatus.Client]
    ) -> DaemonStatus {
        DaemonStatus(
            name: HedgeGridVersion.serverName,
            version: HedgeGridVersion.current,
            pid: Int(ProcessInfo.processInfo.processIdentifier),
            uptimeSeconds: Date().timeIntervalSince(startedAt),
            startedAt: startedAt,
            mode: configuration.paths.mode.rawValue,
            socketPath: configuration.socketPath,
            socketActivated: configuration.socketActivated,
            stateDirectory: configuration.paths.stateDirectory,
            cacheDirectory: configuration.paths.cacheDirectory,
            jobs: jobs,
            clients: clients)
    }

    /// Renders the client list again (after a connect, an `initialize` or a disconnect).
    func refreshClientEntries() {
        let rendered = RenderedJSON(DaemonStatus.json(clients: connectedSessions.map(\.statusEntry)))
        renderedClients.withLock { $0 = rendered }
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
        /// A success answer whose result is already rendered.
        case rendered(RPCID, RenderedJSON)
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
        case .rendered(let id, let result):
            session.connection.send(frame: Frame.encodeResponse(id: id, result: result))
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
        case .rendered(let id, let result): return RPCMessage.response(id: id, result: .success(result.value)).json
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
                    switch Self.outcome(method: method, logger: logger, { try handler(context, params) }) {
                    case .success(let rendered): return .rendered(id, rendered)
                    case .failure(let error): return .reply(Self.response(id, .failure(error)))
                    }
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
            return Self.response(id, Self.outcome(method: method, logger: logger) { () throws -> JSONValue in throw error })
        }
    }

    /// Maps a handler's outcome to a result: cancellation is -32800, an `RPCError` stays itself,
    /// anything else is logged and becomes -32603.
    private static func outcome<Value>(method: String, logger: Logger, _ body: () throws -> Value) -> Result<Value, RPCError> {
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
