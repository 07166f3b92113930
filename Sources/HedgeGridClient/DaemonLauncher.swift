import Foundation
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// Finds the daemon for a client, and starts one for this user when nothing listens.
public struct DaemonLauncher: Sendable {
    /// Why no daemon could be reached or started.
    public struct LaunchError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The socket to use, and whether the user named it (flag or HEDGEGRID_SOCKET).
    public var socketPath: String
    public var explicitSocket: Bool
    public var environment: [String: String]
    /// How long to wait for a started daemon to accept connections.
    public var readinessTimeout: Duration

    public init(
        socketPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        readinessTimeout: Duration = .seconds(20)
    ) {
        self.environment = environment
        self.readinessTimeout = readinessTimeout
        let paths = DaemonPaths.resolve(flags: .init(socket: socketPath), environment: environment)
        self.socketPath = paths.socket
        self.explicitSocket = socketPath != nil || (environment["HEDGEGRID_SOCKET"].map { !$0.isEmpty } ?? false)
    }

    /// A connected client: to the daemon on the socket, or to the system service when the user
    /// has none and did not name a socket, or to a daemon started now (`onStart` is told its pid).
    public func connect(autostart: Bool = true, onStart: (Int32, String) -> Void = { _, _ in }) throws -> RPCClient {
        do {
            return try RPCClient.connect(socketPath: socketPath)
        } catch let error where error.isNoListener {
            if !explicitSocket, socketPath != DaemonPaths.systemSocket,
                let client = try? RPCClient.connect(socketPath: DaemonPaths.systemSocket)
            {
                return client
            }
            guard autostart else {
                throw LaunchError(description: "no daemon is listening on \(socketPath)")
            }
        } catch {
            throw LaunchError(description: "cannot connect to the daemon: \(error)")
        }
        let pid = try startDaemon()
        onStart(pid, socketPath)
        return try waitUntilReady(pid: pid)
    }

    /// The `hedgegridd` binary: `HEDGEGRID_DAEMON`, else next to this executable, else on PATH.
    public func daemonExecutable() -> String? {
        if let path = environment["HEDGEGRID_DAEMON"], !path.isEmpty { return path }
        let fileManager = FileManager.default
        if let own = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = (own as NSString).deletingLastPathComponent + "/hedgegridd"
            if fileManager.isExecutableFile(atPath: sibling) { return sibling }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/hedgegridd"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Where an auto-started daemon writes its log.
    public var logPath: String {
        DaemonPaths.resolve(flags: .init(socket: socketPath), environment: environment).stateDirectory + "/hedgegridd.log"
    }

    private func startDaemon() throws -> Int32 {
        guard let executable = daemonExecutable() else {
            throw LaunchError(description: "no daemon is listening on \(socketPath) and hedgegridd was not found (set HEDGEGRID_DAEMON or put it on PATH)")
        }
        let log = logPath
        try? DaemonPaths.createPrivateDirectory((log as NSString).deletingLastPathComponent)
        let environment = self.environment.filter { !["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"].contains($0.key) }
        do {
            // A session of its own: the daemon outlives this client and its terminal.
            let child = try ChildProcess.spawn(
                executable, ["--socket", socketPath], environment: environment,
                stdin: .null, stdout: .file(log), stderr: .file(log), newSession: true)
            return child.pid
        } catch {
            throw LaunchError(description: "\(error)")
        }
    }

    private func waitUntilReady(pid: Int32) throws -> RPCClient {
        let deadline = ContinuousClock.now + readinessTimeout
        while ContinuousClock.now < deadline {
            if let client = try? RPCClient.connect(socketPath: socketPath) {
                reapInBackground(pid)
                return client
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                // It exited: maybe another client started a daemon at the same moment.
                if let client = try? RPCClient.connect(socketPath: socketPath) { return client }
                throw LaunchError(description: "hedgegridd exited during start-up (status \(status)); see \(logPath)")
            }
            usleep(10_000)
        }
        throw LaunchError(description: "hedgegridd did not accept connections on \(socketPath) within \(readinessTimeout); see \(logPath)")
    }

    private func reapInBackground(_ pid: Int32) {
        // The daemon is a child of this short-lived client; reap it should it exit while we run.
        Thread.detachNewThread {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
