import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import HedgeGridTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// sd_notify readiness and watchdog, socket activation, journald log prefixes, unit files.
@Suite struct SystemdIntegrationTests {
    /// A datagram socket standing in for systemd's NOTIFY_SOCKET.
    final class NotifySocket {
        let fd: Int32
        let path: String

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("cannot bind \(path)") }
            var timeout = timeval(tv_sec: 15, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        /// Reads datagrams until one contains `needle`; returns it, or nil on timeout.
        func waitFor(_ needle: String) -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { return nil }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                if message.contains(needle) { return message }
            }
        }
    }

    @Test func notifiesReadyStatusAndStopping() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let notify = try NotifySocket(path: scratch.file("notify"))
        let daemon = try TestDaemon(environment: ["NOTIFY_SOCKET": notify.path])
        let ready = try #require(notify.waitFor("READY=1"))
        #expect(ready.contains("STATUS=listening on \(daemon.socket)"))
        #expect(ready.contains("MAINPID=\(daemon.pid)"))
        // STATUS follows the jobs.
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":1,"method":"test/job","params":{"steps":2,"intervalMs":100}}"#)
        #expect(notify.waitFor("STATUS=listening on \(daemon.socket); 1 job running") != nil)
        #expect(notify.waitFor("0 jobs running") != nil)
        daemon.child.signal(SIGTERM)
        let stopping = try #require(notify.waitFor("STOPPING=1"))
        #expect(stopping.contains("STATUS="))
        #expect(daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    @Test func pingsTheWatchdogWhenAsked() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let notify = try NotifySocket(path: scratch.file("notify"))
        let daemon = try TestDaemon(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"])
        #expect(notify.waitFor("WATCHDOG=1") != nil)
        #expect(notify.waitFor("WATCHDOG=1") != nil)
        #expect(Self.eventually { daemon.log.contains("watchdogUsec=200000") })
    }

    @Test func sigtermLetsRunningJobsEndAndExitsZero() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 1000, intervalMs: 50), as: JobStarted.self)
        daemon.child.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.contains("job ended job=\(started.jobId) state=cancelled"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate"),
                   "systemd-socket-activate is not installed (Debian package: systemd)"))
    func servesAnInheritedSocket() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let socketPath = scratch.file("activated.sock")
        let log = scratch.file("log")
        let activator = try ChildProcess.spawn(
            "/usr/bin/systemd-socket-activate",
            ["-l", socketPath, Products.daemon, "--state-dir", scratch.file("state"), "--cache-dir", scratch.file("cache")],
            environment: ProcessInfo.processInfo.environment, stdout: .file(log), stderr: .file(log))
        defer {
            activator.signal(SIGTERM)
            activator.wait()
        }
        // systemd-socket-activate listens first; the daemon is executed on the first connection.
        var client: RPCClient?
        for _ in 0..<500 where client == nil {
            client = try? RPCClient.connect(socketPath: socketPath)
            if client == nil { usleep(10_000) }
        }
        let connected = try #require(client)
        let status = try await connected.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self)
        #expect(status.socketActivated)
        #expect(status.socketPath == socketPath)
        // The daemon's start-up line can reach the log a moment after it answers.
        #expect(Self.eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("socketActivated=true") })
    }

    @Test func logsCarryJournalPrioritiesUnderSystemd() throws {
        let daemon = try TestDaemon(environment: ["JOURNAL_STREAM": "8:12345"])
        daemon.terminate()
        let lines = daemon.log.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>hedgegridd") && $0.contains("listening") })
        #expect(lines.allSatisfy { $0.first == "<" })
    }

    @Test func plainLogsWithoutSystemd() throws {
        let daemon = try TestDaemon()
        daemon.terminate()
        #expect(daemon.log.contains(" info hedgegridd: hedgegridd "))
        #expect(!daemon.log.contains("<6>"))
    }

    /// Polls `condition` for up to five seconds.
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    static var unitDirectory: String {
        // Tests/HedgeGridServerTests/<this file> -> repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("systemd").path
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
                   "systemd-analyze is not installed (Debian package: systemd)"),
          arguments: [("", ["hedgegridd.service", "hedgegridd.socket"]), ("user", ["hedgegridd.service", "hedgegridd.socket"])])
    func unitFilesVerify(flavour: String, units: [String]) throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let source = flavour.isEmpty ? Self.unitDirectory : Self.unitDirectory + "/" + flavour
        var paths: [String] = []
        for unit in units {
            var text = try String(contentsOfFile: source + "/" + unit, encoding: .utf8)
            // systemd-analyze checks that ExecStart exists: point it at the binary under test.
            text = text.replacingOccurrences(of: "/usr/local/bin/hedgegridd", with: Products.daemon)
                .replacingOccurrences(of: "%h/.local/bin/hedgegridd", with: Products.daemon)
            let path = scratch.file(unit)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        try FileManager.default.createDirectory(atPath: scratch.file("runtime"), withIntermediateDirectories: true)
        let arguments = (flavour == "user" ? ["--user"] : []) + ["verify", "--man=no"] + paths
        let outcome = try ProcessRunner.run(
            "/usr/bin/systemd-analyze", arguments, environment: ["XDG_RUNTIME_DIR": scratch.file("runtime")])
        // systemd-analyze exits 0 on unknown keys, so any output at all is a failure.
        #expect(outcome.status == 0)
        #expect(outcome.stdout.isEmpty && outcome.stderr.isEmpty, "systemd-analyze said: \(outcome.stdout)\(outcome.stderr)")
    }
}
