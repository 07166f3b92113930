import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

/// Many clients at once against one daemon.
@Suite struct ConcurrencyTests {
    @Test func thirtyTwoClientsTimesTwoHundredRequestsWhileAJobRuns() async throws {
        let daemon = try TestDaemon()
        let observer = try RPCClient.connect(socketPath: daemon.socket)
        let job = try await observer.call(MethodName.testJob, TestJobParams(steps: 50, intervalMs: 40), as: JobStarted.self)
        let clients = try (0..<32).map { _ in try RPCClient.connect(socketPath: daemon.socket) }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for (clientIndex, client) in clients.enumerated() {
                group.addTask {
                    var wrong = 0
                    for requestIndex in 0..<200 {
                        let token = "c\(clientIndex)-r\(requestIndex)"
                        // Alternate the two dispatch paths: a task (test/echo) and an immediate one (daemon/status).
                        if requestIndex % 4 == 3 {
                            let status = try await client.call(MethodName.daemonStatus)
                            if status["pid"]?.intValue != Int64(daemon.pid) { wrong += 1 }
                        } else {
                            let echoed = try await client.call(MethodName.testEcho, ["value": .string(token)])
                            if echoed != .string(token) { wrong += 1 }
                        }
                    }
                    return wrong
                }
            }
            var total = 0
            for try await wrong in group { total += wrong }
            return total
        }
        #expect(mismatches == 0)
        let info = try await observer.call(MethodName.jobWait, JobWaitParams(jobId: job.jobId), as: JobInfo.self)
        #expect(info.state == .succeeded)
        // 33 connections of ours; the readiness probe's disconnect may lag on a loaded machine.
        var connected = 0
        for _ in 0..<100 {
            connected = try await observer.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self).clients.count
            if connected == 33 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(connected == 33)
    }

    /// The daemon's threads, from /proc.
    static func threadCount(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? -1
    }

    @Test func connectionsShareOneReadingThread() async throws {
        let daemon = try TestDaemon()
        let first = try RPCClient.connect(socketPath: daemon.socket)
        _ = try await first.call(MethodName.daemonStatus)
        let before = Self.threadCount(of: daemon.pid)
        #expect(before > 0)
        let clients = try (0..<40).map { _ in try RPCClient.connect(socketPath: daemon.socket) }
        for client in clients { _ = try await client.call(MethodName.daemonStatus) }
        // With a thread per connection there would be 40 more; the runtime may add a worker or two.
        let after = Self.threadCount(of: daemon.pid)
        #expect(after - before < 8, "\(before) threads before 40 connections, \(after) after")
    }

    @Test func slowRequestDoesNotBlockAnotherClientOrTheSameOne() async throws {
        let daemon = try TestDaemon()
        let slowClient = try RPCClient.connect(socketPath: daemon.socket)
        let slow = Task { try await slowClient.call(MethodName.testEcho, ["value": "slow", "delayMs": 20000]) }
        try await Task.sleep(for: .milliseconds(50))
        let clock = ContinuousClock()
        let start = clock.now
        let other = try RPCClient.connect(socketPath: daemon.socket)
        #expect(try await other.call(MethodName.testEcho, ["value": "fast"]) == "fast")
        #expect(try await slowClient.call(MethodName.testEcho, ["value": "fast too"]) == "fast too")
        // Far less than the slow request's 20 s, even on a loaded machine.
        #expect(clock.now - start < .seconds(10))
        slow.cancel()
        _ = try? await slow.value
    }
}
