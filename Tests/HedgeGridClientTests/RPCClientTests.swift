import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The client library against a real daemon.
@Suite struct RPCClientTests {
    @Test func typedCallsAndDaemonErrors() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let status = try await client.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self)
        #expect(status.pid == Int(daemon.pid))
        await #expect {
            _ = try await client.call("no/such")
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.methodNotFoundCode
        }
    }

    @Test func pendingCallFailsWhenTheDaemonDies() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let slow = Task { try await client.call(MethodName.testEcho, ["value": 1, "delayMs": 60000]) }
        try await Task.sleep(for: .milliseconds(100))
        daemon.child.signal(SIGKILL)
        await #expect {
            _ = try await slow.value
        } throws: { error in
            if case ClientError.connectionClosed = error { return true }
            return false
        }
        await #expect(throws: ClientError.self) { _ = try await client.call(MethodName.daemonStatus) }
    }

    @Test func launcherReachesAnExplicitSocketWithoutStartingAnything() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let launcher = DaemonLauncher(socketPath: scratch.socket, environment: ["HOME": scratch.path])
        #expect(launcher.explicitSocket)
        #expect {
            _ = try launcher.connect(autostart: false)
        } throws: { error in
            "\(error)" == "no daemon is listening on \(scratch.socket)"
        }
    }

    @Test func launcherStartsTheDaemonAndReportsIt() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let launcher = DaemonLauncher(
            socketPath: scratch.socket,
            environment: ["HOME": scratch.path, "HEDGEGRID_DAEMON": Products.daemon, "HEDGEGRID_STATE_DIR": scratch.file("state")])
        var startedPID: Int32?
        let client = try launcher.connect { pid, socket in
            startedPID = pid
            #expect(socket == scratch.socket)
        }
        let pid = try #require(startedPID)
        defer { kill(pid, SIGKILL) }
        let status = try await client.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self)
        #expect(status.pid == Int(pid))
        #expect(FileManager.default.fileExists(atPath: scratch.file("state/hedgegridd.log")))
    }
}
