import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

/// Jobs through a real daemon: progress, wait, cancel, and jobs that outlive their client.
@Suite struct JobTests {
    @Test func progressNotificationsArriveInOrder() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 5, intervalMs: 20), as: JobStarted.self)
        var values: [WorkDoneProgress] = []
        var finished: JobInfo?
        for await notification in client.notifications {
            if notification.method == MethodName.progress {
                let params = try #require(try notification.params?.decode(ProgressParams.self))
                #expect(params.token == started.jobId)
                values.append(params.value)
            } else if notification.method == MethodName.jobFinished {
                finished = try notification.params?.decode(JobInfo.self)
                break
            }
        }
        #expect(values.map(\.kind) == [.begin, .report, .report, .report, .report, .report, .end])
        #expect(values.first?.title?.contains("test job") == true)
        let percentages = values.compactMap(\.percentage)
        #expect(percentages == percentages.sorted())
        #expect(values.dropFirst().dropLast().map(\.message) == (1...5).map { "step \($0) of 5" })
        #expect(finished?.state == .succeeded)
        #expect(finished?.result == ["steps": 5])
    }

    @Test func waitReturnsTheFinishedJob() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 3, intervalMs: 30), as: JobStarted.self)
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: started.jobId), as: JobInfo.self)
        #expect(info.state == .succeeded)
        #expect(info.percentage == 100)
        #expect(info.finishedAt != nil)
        let listed = try await client.call(MethodName.jobList)
        #expect(listed["jobs"]?.arrayValue?.count == 1)
    }

    @Test func waitWithTimeoutReturnsTheRunningJob() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 6000, intervalMs: 100), as: JobStarted.self)
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: started.jobId, timeoutMs: 50), as: JobInfo.self)
        #expect(info.state == .running)
    }

    @Test func cancelEndsTheJobAsCancelled() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 1000, intervalMs: 50), as: JobStarted.self)
        _ = try await client.call(MethodName.jobCancel, JobIDParams(jobId: started.jobId), as: JobInfo.self)
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: started.jobId), as: JobInfo.self)
        #expect(info.state == .cancelled)
        #expect(info.error?.code == RPCError.requestCancelledCode)
    }

    @Test func failingJobReportsItsError() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(
            MethodName.testJob, TestJobParams(steps: 5, intervalMs: 10, failAtStep: 2), as: JobStarted.self)
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: started.jobId), as: JobInfo.self)
        #expect(info.state == .failed)
        #expect(info.error?.message.contains("failed at step 2") == true)
    }

    @Test func jobOutlivesTheClientThatStartedIt() async throws {
        let daemon = try TestDaemon()
        let first = try RPCClient.connect(socketPath: daemon.socket)
        // Long enough to outlast any scheduling delay of a loaded test machine; cancelled below.
        let started = try await first.call(MethodName.testJob, TestJobParams(steps: 600, intervalMs: 100), as: JobStarted.self)
        first.close()
        try await Task.sleep(for: .milliseconds(300))
        let second = try RPCClient.connect(socketPath: daemon.socket)
        let subscribed = try await second.call(MethodName.jobSubscribe, JobIDParams(jobId: started.jobId), as: JobInfo.self)
        try #require(subscribed.state == .running)
        #expect(await eventually { daemon.log.contains("client disconnected session=2") })  // session 1 is the readiness probe
        // The new subscriber sees the rest of the job's progress, up to its end.
        let progress = Task {
            var kinds: [WorkDoneProgress.Kind] = []
            for await notification in second.notifications where notification.method == MethodName.progress {
                guard let value = (try? notification.params?.decode(ProgressParams.self))?.value else { continue }
                kinds.append(value.kind)
                if value.kind == .end { break }
            }
            return kinds
        }
        try await Task.sleep(for: .milliseconds(250))
        _ = try await second.call(MethodName.jobCancel, JobIDParams(jobId: started.jobId), as: JobInfo.self)
        let info = try await second.call(MethodName.jobWait, JobWaitParams(jobId: started.jobId), as: JobInfo.self)
        #expect(info.state == .cancelled)
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            progress.cancel()
        }
        let kinds = await progress.value
        timeout.cancel()
        #expect(kinds.contains(.report))
        #expect(kinds.last == .end)
        #expect(!kinds.contains(.begin))
    }

    @Test func unknownJobIsAClearError() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        await #expect {
            _ = try await client.call(MethodName.jobGet, ["jobId": "job-404"])
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.jobNotFoundCode && rpc.message.contains("job-404")
        }
    }

    @Test func cancellingAWaitLeavesTheJobRunning() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.testJob, TestJobParams(steps: 6000, intervalMs: 100), as: JobStarted.self)
        let waiter = Task { try await client.call(MethodName.jobWait, ["jobId": .string(started.jobId)]) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect {
            _ = try await waiter.value
        } throws: { error in
            // -32800 from the daemon, or, when the task was cancelled before its request went out,
            // a local CancellationError.
            if error is CancellationError { return true }
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.requestCancelledCode
        }
        let info = try await client.call(MethodName.jobGet, JobIDParams(jobId: started.jobId), as: JobInfo.self)
        #expect(info.state == .running)
    }
}
