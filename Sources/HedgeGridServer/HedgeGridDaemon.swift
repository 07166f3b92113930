import Dispatch
import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Why the daemon cannot start.
public struct DaemonStartError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The process exit code to use.
    public var exitCode: Int32

    public init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// The whole daemon: paths, the socket (created or inherited from systemd), the RPC server,
/// signals, readiness and watchdog, and an orderly stop.
public final class HedgeGridDaemon: Sendable {
    public let options: DaemonOptions
    public let logger: Logger
    private let notifier = SystemdNotifier()
    private let stopSignal: AsyncStream<Void>
    private let stopContinuation: AsyncStream<Void>.Continuation
    private let signalSources = LockedBox<[DispatchSourceSignal]>([])

    public init(options: DaemonOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        (stopSignal, stopContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the daemon to stop (as SIGTERM does).
    public func stop() {
        stopContinuation.yield()
    }

    /// Runs until stopped; returns the process exit code.
    public func run() async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        do {
            try DaemonPaths.createPrivateDirectory(options.paths.stateDirectory)
            try DaemonPaths.createPrivateDirectory(options.paths.cacheDirectory)
        } catch {
            logger.critical("cannot create the state or cache directory: \(error)")
            return 1
        }
        installSignalHandlers()
        if options.stdio {
            return await runStdio()
        }
        do {
            return try await runSocket()
        } catch let error as DaemonStartError {
            logger.critical("\(error.description)")
            return error.exitCode
        } catch {
            logger.critical("\(error)")
            return 1
        }
    }

    private func runSocket() async throws -> Int32 {
        let (fd, path, activated) = try openListeningSocket()
        var configuration = ServerConfiguration(
            maxFrameBytes: options.maxFrameBytes, paths: options.paths, socketPath: path, socketActivated: activated)
        configuration.bulkURL = options.bulkURL
        configuration.restURL = options.restURL
        let server = RPCServer(configuration: configuration, logger: logger)
        server.onStopRequested { [self] in stop() }
        server.jobs.onCountsChanged { [notifier] counts in
            notifier.status("listening on \(path); \(counts.running) job\(counts.running == 1 ? "" : "s") running")
        }
        let listener = SocketListener(
            fd: fd, path: path, ownsSocketFile: !activated, policy: PeerPolicy(group: options.socketGroup), server: server)
        listener.start()
        let watchdog = notifier.startWatchdog()
        notifier.ready(status: "listening on \(path)")
        await StudyMethods.resumeInterrupted(server: server)
        logger.info(
            "hedgegridd \(HedgeGridVersion.current) listening",
            metadata: [
                "socket": "\(path)", "socketActivated": "\(activated)", "pid": "\(getpid())",
                "state": "\(options.paths.stateDirectory)", "watchdogUsec": "\(watchdog.map(String.init) ?? "off")",
            ])
        for await _ in stopSignal { break }
        notifier.stopping(status: "stopping: finishing jobs")
        logger.info("stopping: no new connections, jobs persist their state")
        listener.stop()
        await server.jobs.shutdown(grace: options.shutdownGrace)
        server.closeAll()
        notifier.stopWatchdog()
        logger.info("stopped")
        return 0
    }

    private func runStdio() async -> Int32 {
        // The protocol gets its own copy of stdout; fd 1 then points at stderr so that a stray
        // print can never corrupt the stream.
        let protocolOut = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        var configuration = ServerConfiguration(maxFrameBytes: options.maxFrameBytes, paths: options.paths, socketPath: nil)
        configuration.bulkURL = options.bulkURL
        configuration.restURL = options.restURL
        let server = RPCServer(configuration: configuration, logger: logger)
        let exitCode = Mutex<Int32>(0)
        server.onExit { [self] code in
            exitCode.withLock { $0 = code }
            stop()
        }
        server.onStopRequested { [self] in stop() }
        server.attach(
            FramedConnection(readFD: STDIN_FILENO, writeFD: protocolOut, maxFrameBytes: options.maxFrameBytes),
            transport: .stdio, credentials: nil)
        notifier.ready(status: "serving stdio")
        logger.info("hedgegridd \(HedgeGridVersion.current) serving stdio", metadata: ["pid": "\(getpid())"])
        for await _ in stopSignal { break }
        await server.jobs.shutdown(grace: options.shutdownGrace)
        for session in server.connectedSessions { session.connection.flush() }
        return exitCode.withLock { $0 }
    }

    /// The inherited socket (socket activation), or a new one at the configured path.
    private func openListeningSocket() throws -> (fd: Int32, path: String, activated: Bool) {
        let inherited = SystemdNotifier.inheritedSockets()
        if let fd = inherited.first {
            if inherited.count > 1 {
                logger.warning("systemd passed \(inherited.count) sockets; serving the first")
            }
            let path = UnixSocket.boundPath(of: fd) ?? options.paths.socket
            return (fd, path, true)
        }
        let path = options.paths.socket
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: options.socketGroup == nil ? 0o700 : 0o750])
            if let group = options.socketGroup, options.paths.mode == .user {
                chown(directory, uid_t.max, group)
            }
        } catch {
            throw DaemonStartError("cannot create the socket directory \(directory): \(error.localizedDescription)")
        }
        try removeStaleSocket(at: path)
        do {
            let mode: mode_t = options.socketGroup == nil ? 0o600 : 0o660
            let fd = try UnixSocket.listen(path: path, mode: mode, group: options.socketGroup)
            return (fd, path, false)
        } catch where error.errno == EADDRINUSE {
            throw DaemonStartError("another hedgegridd is already listening on \(path); not starting a second one", exitCode: 3)
        } catch {
            throw DaemonStartError("cannot listen on \(path): \(error)")
        }
    }

    /// Replaces a socket file left by a dead daemon; refuses to touch a live one.
    private func removeStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonStartError("\(path) exists and is not a socket; not replacing it")
        }
        do {
            let fd = try UnixSocket.connect(path: path)
            close(fd)
            throw DaemonStartError("another hedgegridd is already listening on \(path); not starting a second one", exitCode: 3)
        } catch let error as SocketError where error.errno == ECONNREFUSED {
            logger.notice("removing a stale socket left by a daemon that is gone", metadata: ["socket": "\(path)"])
            unlink(path)
        }
    }

    private func installSignalHandlers() {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                logger.info("received signal \(number), stopping")
                stop()
            }
            source.resume()
            sources.append(source)
        }
        signalSources.withLock { $0 = sources }
    }
}
