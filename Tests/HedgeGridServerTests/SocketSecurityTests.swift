import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import HedgeGridTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Socket permissions, peer credentials, and one daemon per socket.
@Suite struct SocketSecurityTests {
    static let isRoot = getuid() == 0
    static let nobody: uid_t = 65534

    func mode(of path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func socketIsOwnerOnlyByDefault() throws {
        let daemon = try TestDaemon()
        #expect(mode(of: daemon.socket) == 0o600)
    }

    @Test func socketIsGroupReadableWithAGroup() throws {
        let daemon = try TestDaemon(arguments: ["--socket-group", String(getgid())])
        #expect(mode(of: daemon.socket) == 0o660)
        var info = stat()
        stat(daemon.socket, &info)
        #expect(info.st_gid == getgid())
    }

    @Test func unknownGroupIsAClearError() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let outcome = try ProcessRunner.run(Products.daemon, ["--socket", scratch.socket, "--socket-group", "no-such-group-hg"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("socket group 'no-such-group-hg' does not exist"))
    }

    @Test func secondDaemonOnTheSameSocketExitsAndTheFirstGoesOn() async throws {
        let first = try TestDaemon()
        let outcome = try ProcessRunner.run(
            Products.daemon,
            ["--socket", first.socket, "--state-dir", first.scratch.file("state2"), "--cache-dir", first.scratch.file("cache2")])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("another hedgegridd is already listening on \(first.socket)"))
        let client = try RPCClient.connect(socketPath: first.socket)
        let status = try await client.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self)
        #expect(status.pid == Int(first.pid))
    }

    @Test func staleSocketFromADeadDaemonIsReplaced() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        // A socket file nobody listens on, as a killed daemon leaves behind.
        let fd = try UnixSocket.listen(path: scratch.socket, mode: 0o600, group: nil)
        close(fd)
        #expect(FileManager.default.fileExists(atPath: scratch.socket))
        let daemon = try TestDaemon(socket: scratch.socket)
        let client = try RPCClient.connect(socketPath: scratch.socket)
        _ = try await client.call(MethodName.daemonStatus)
        #expect(daemon.log.contains("removing a stale socket"))
    }

    @Test func regularFileAtTheSocketPathIsNotTouched() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try "precious".write(toFile: scratch.socket, atomically: true, encoding: .utf8)
        let outcome = try ProcessRunner.run(
            Products.daemon, ["--socket", scratch.socket, "--state-dir", scratch.file("s"), "--cache-dir", scratch.file("c")])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("exists and is not a socket"))
        #expect(try String(contentsOfFile: scratch.socket, encoding: .utf8) == "precious")
    }

    @Test(.enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root and setpriv to connect as another user (uid 65534)"))
    func otherUserIsRefusedBySocketCredentials() throws {
        let daemon = try TestDaemon()
        // Open the file permissions on purpose: the credential check must still refuse.
        chmod(daemon.scratch.path, 0o755)
        chmod(daemon.socket, 0o666)
        let outcome = try ProcessRunner.run(
            "/usr/bin/setpriv",
            ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", Products.hgctl, "status", "--socket", daemon.socket],
            environment: ["HEDGEGRID_DAEMON": "/bin/false", "HOME": "/tmp"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("closed the connection"))
        #expect(daemon.log.contains("refused a connection"))
        #expect(daemon.log.contains("uid \(Self.nobody)"))
    }

    @Test(.enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root and setpriv to connect as another user (uid 65534)"))
    func memberOfTheSocketGroupIsAllowed() throws {
        let daemon = try TestDaemon(arguments: ["--socket-group", String(Self.nobody)])
        chmod(daemon.scratch.path, 0o755)
        let outcome = try ProcessRunner.run(
            "/usr/bin/setpriv",
            ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", Products.hgctl, "status", "--json", "--socket", daemon.socket],
            environment: ["HEDGEGRID_DAEMON": "/bin/false", "HOME": "/tmp"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("\"pid\""))
    }
}
