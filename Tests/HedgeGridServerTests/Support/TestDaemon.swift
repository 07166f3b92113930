import Foundation
import HedgeGridRPC
import HedgeGridTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Where `swift build` put the executables under test.
enum Products {
    static var directory: URL { Bundle.main.bundleURL }
    static var daemon: String { directory.appendingPathComponent("hedgegridd").path }
    static var hgctl: String { directory.appendingPathComponent("hgctl").path }
}

/// A private temporary directory, short enough for socket paths.
struct Scratch {
    let path: String

    init() {
        var template = Array("/tmp/hgtest-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    var socket: String { path + "/d.sock" }
    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A real `hedgegridd` process on a private socket and directories.
final class TestDaemon: @unchecked Sendable {
    let scratch: Scratch
    let process = Process()
    let logPath: String
    var socket: String { scratch.socket }

    /// Starts the daemon and waits until its socket accepts connections.
    init(arguments extra: [String] = [], environment: [String: String] = [:], waitForSocket: Bool = true) throws {
        scratch = Scratch()
        logPath = scratch.file("daemon.log")
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Products.daemon)
        process.arguments = [
            "--socket", scratch.socket, "--state-dir", scratch.file("state"), "--cache-dir", scratch.file("cache"),
            "--log-level", "debug",
        ] + extra
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "HEDGEGRID_SOCKET", "JOURNAL_STREAM"] {
            env.removeValue(forKey: key)
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if waitForSocket { try waitUntilListening() }
    }

    func waitUntilListening(timeout: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let fd = try? UnixSocket.connect(path: socket) {
                close(fd)
                return
            }
            guard process.isRunning else {
                throw TestFailure("hedgegridd exited during start-up: \(log)")
            }
            usleep(10_000)
        }
        throw TestFailure("hedgegridd did not listen within \(timeout): \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM and returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the process to exit on its own.
    func waitForExit(timeout: Duration = .seconds(30)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        scratch.remove()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
