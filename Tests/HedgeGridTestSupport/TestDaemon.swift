import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// A real `hedgegridd` process on a private socket and directories.
public final class TestDaemon: @unchecked Sendable {
    public let scratch: Scratch
    public let socket: String
    public let logPath: String
    public let child: ChildProcess
    private let lock = NSLock()
    private var exitCode: Int32?

    /// Starts the daemon and waits until its socket accepts connections.
    public init(
        socket: String? = nil, arguments extra: [String] = [], environment: [String: String] = [:], waitForSocket: Bool = true
    ) throws {
        scratch = Scratch()
        self.socket = socket ?? scratch.socket
        logPath = scratch.file("daemon.log")
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "HEDGEGRID_SOCKET", "JOURNAL_STREAM"] {
            env.removeValue(forKey: key)
        }
        env.merge(environment) { _, new in new }
        child = try ChildProcess.spawn(
            Products.daemon,
            ["--socket", self.socket, "--state-dir", scratch.file("state"), "--cache-dir", scratch.file("cache"), "--log-level", "debug"]
                + extra,
            environment: env, stdin: .null, stdout: .file(logPath), stderr: .file(logPath))
        if waitForSocket { try waitUntilListening() }
    }

    public func waitUntilListening(timeout: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let fd = try? UnixSocket.connect(path: socket) {
                close(fd)
                return
            }
            if let code = exitCodeIfEnded() {
                throw TestFailure("hedgegridd exited with \(code) during start-up: \(log)")
            }
            usleep(10_000)
        }
        throw TestFailure("hedgegridd did not listen within \(timeout): \(log)")
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public var pid: Int32 { child.pid }

    /// The exit code once the process has ended.
    public func exitCodeIfEnded() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if exitCode == nil { exitCode = child.exitCodeIfEnded() }
        return exitCode
    }

    /// Sends SIGTERM and returns the exit code.
    @discardableResult
    public func terminate() -> Int32 {
        if exitCodeIfEnded() == nil { child.signal(SIGTERM) }
        return waitForExit() ?? -1
    }

    /// Waits for the process to exit on its own; nil on timeout.
    public func waitForExit(timeout: Duration = .seconds(30)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = exitCodeIfEnded() { return code }
            usleep(5_000)
        }
        return nil
    }

    deinit {
        if exitCodeIfEnded() == nil {
            child.signal(SIGKILL)
            _ = child.wait()
        }
        scratch.remove()
    }
}
