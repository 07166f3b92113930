import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `study/*` through real daemons: notifications to subscribers, SIGKILL and resume, the query
/// methods, and bad requests that write nothing.
@Suite struct StudyMethodTests {
    /// A three-day copy of the bundled backtest config (fast trials in debug builds).
    static func shortBacktest(in scratch: Scratch) throws -> String {
        var text = try String(contentsOfFile: BacktestMethodTests.root + "/configs/backtest/near_2025_09.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "2025-10-01T00:00:00Z", with: "2025-09-05T00:00:00Z")
        let path = scratch.file("short.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func optimizeParams(_ name: String, trials: Int, backtest: String, workers: Int = 1, dbPath: String? = nil, optimization: String? = nil) throws -> JSONValue {
        try JSONValue(encoding: StudyOptimizeParams(
            studyName: name, strategyConfig: "configs/strategies/hedge_grid_v1.yaml", backtestConfig: backtest,
            optimizationConfig: optimization ?? "configs/optimization/default_optimization.yaml", trials: trials, workers: workers, seed: 11,
            dbPath: dbPath, workingDirectory: BacktestMethodTests.root, environment: [:]))
    }

    static func rpcCode(_ error: Error) -> Int? {
        guard case ClientError.rpc(let rpc) = error else { return nil }
        return rpc.code
    }

    static func rpcMessage(_ error: Error) -> String {
        guard case ClientError.rpc(let rpc) = error else { return "\(error)" }
        return rpc.message
    }

    static func waitForJob(_ client: RPCClient, _ answer: JSONValue) async throws -> JobInfo {
        let jobID = try #require(answer["jobId"]?.stringValue)
        return try await client.call(MethodName.jobWait, JobWaitParams(jobId: jobID), as: JobInfo.self)
    }

    @Test func aSubscriberReceivesEveryTrialOnceInOrder() async throws {
        let daemon = try TestDaemon()
        let backtest = try Self.shortBacktest(in: daemon.scratch)
        let owner = try RPCClient.connect(socketPath: daemon.socket)
        let watcher = try RPCClient.connect(socketPath: daemon.socket)
        let created = try await Self.waitForJob(owner, try await owner.call(MethodName.studyOptimize, try Self.optimizeParams("watched", trials: 1, backtest: backtest)))
        #expect(created.state == .succeeded)
        let subscribed = try await watcher.call(MethodName.studySubscribe, try JSONValue(encoding: StudyRefParams(studyName: "watched")))
        #expect(subscribed["finished"] == 1)
        let collected = Task {
            var trials: [JSONValue] = []
            for await notification in watcher.notifications where notification.method == MethodName.studyTrialCompleted {
                trials.append(notification.params ?? .null)
                if trials.count == 12 { break }
            }
            return trials
        }
        let info = try await Self.waitForJob(owner, try await owner.call(MethodName.studyOptimize, try Self.optimizeParams("watched", trials: 12, backtest: backtest)))
        #expect(info.state == .succeeded, "\(String(describing: info.error))")
        let received = await collected.value
        #expect(received.map { $0["trial"]?["number"]?.intValue } == (1...12).map { Int64($0) })
        #expect(received.map { $0["finished"]?.intValue } == (2...13).map { Int64($0) })
        #expect(received.allSatisfy { $0["study"] == "watched" && $0["target"] == 13 && $0["trial"]?["state"] == "complete" })
        #expect(received.allSatisfy { ($0["trial"]?["parameters"]?.objectValue?.count ?? 0) == 17 && $0["trial"]?["metrics"] != nil })
        // Nothing more arrives: each trial once.
        try await Task.sleep(for: .milliseconds(300))
        #expect(info.result?["finished"] == 13 && info.result?["trialsRun"] == 12)
    }

    @Test func afterSIGKILLTheStudyResumesWithExactlyItsTrials() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let state = scratch.file("state")
        let backtest = try Self.shortBacktest(in: scratch)
        let first = try TestDaemon(arguments: ["--state-dir", state])
        let client = try RPCClient.connect(socketPath: first.socket)
        let seen = Task {
            var numbers: [Int64] = []
            for await notification in client.notifications where notification.method == MethodName.studyTrialCompleted {
                numbers.append(notification.params?["trial"]?["number"]?.intValue ?? -1)
                if numbers.count == 6 { break }
            }
            return numbers
        }
        // Long enough that the kill lands mid-study even on a loaded machine.
        _ = try await client.call(MethodName.studyOptimize, try Self.optimizeParams("crash", trials: 150, backtest: backtest, workers: 2))
        let beforeKill = await seen.value
        first.child.signal(SIGKILL)
        _ = first.waitForExit()

        let second = try TestDaemon(arguments: ["--state-dir", state])
        let again = try RPCClient.connect(socketPath: second.socket)
        var statistics = JSONValue.null
        for _ in 0..<3_000 {
            statistics = try await again.call(MethodName.studyGet, try JSONValue(encoding: StudyRefParams(studyName: "crash")))
            if statistics["finishedTrials"] == 150 && statistics["jobId"] == .null { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(statistics["finishedTrials"] == 150, "\(statistics.jsonText)")
        #expect(await eventually { second.log.contains("resuming study") })
        let trials = try await again.call(
            MethodName.studyTrials, try JSONValue(encoding: StudyTrialsParams(studyName: "crash", sort: "number")))["trials"]?.arrayValue ?? []
        let numbers = trials.compactMap { $0["number"]?.intValue }
        #expect(Set(numbers).count == numbers.count)
        let counted = trials.filter { $0["counted"] == true && ["complete", "pruned", "failed"].contains($0["state"]?.stringValue ?? "") }
        #expect(counted.count == 150)
        let interrupted = trials.filter { $0["counted"] == false }
        #expect(interrupted.allSatisfy { $0["state"] == "failed" && ($0["error"]?.stringValue ?? "").hasPrefix("interrupted") })
        let requeued = trials.filter { $0["requeuedFrom"] != nil && $0["requeuedFrom"] != .null }
        #expect(requeued.count == interrupted.count)
        #expect(requeued.allSatisfy { trial in
            interrupted.contains { $0["number"] == trial["requeuedFrom"] && $0["parameters"] == trial["parameters"] }
        })
        // Every trial completed before the kill is still there, complete.
        for number in beforeKill {
            #expect(trials.first { $0["number"]?.intValue == number }?["state"] == "complete")
        }
        #expect(trials.allSatisfy { $0["state"] != "running" && $0["state"] != "waiting" })
    }

    @Test func queriesExportsCleanupAndDelete() async throws {
        let daemon = try TestDaemon()
        let backtest = try Self.shortBacktest(in: daemon.scratch)
        let optimization = daemon.scratch.file("open.yaml")
        try "constraints:\n  enabled: false\n".write(toFile: optimization, atomically: true, encoding: .utf8)
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let database = daemon.scratch.file("mine/studies.sqlite")
        let info = try await Self.waitForJob(
            client, try await client.call(MethodName.studyOptimize, try Self.optimizeParams("q", trials: 14, backtest: backtest, workers: 2, dbPath: database, optimization: optimization)))
        #expect(info.state == .succeeded, "\(String(describing: info.error))")
        #expect(FileManager.default.fileExists(atPath: database))
        #expect(info.result?["bestParametersYAML"]?.stringValue?.contains("grid_step_bps:") == true)
        let reference = try JSONValue(encoding: StudyRefParams(studyName: "q", dbPath: database))

        let list = try await client.call(MethodName.studyList, try JSONValue(encoding: StudyListParams(dbPath: database)))
        #expect(list["studies"]?.arrayValue?.map { $0["name"] } == ["q"])
        let statistics = try await client.call(MethodName.studyGet, reference)
        #expect(statistics["finishedTrials"] == 14)
        #expect((statistics["complete"]?.intValue ?? 0) + (statistics["pruned"]?.intValue ?? 0) == 14)
        #expect(statistics["feasible"] == statistics["complete"])
        let best = try await client.call(MethodName.studyBest, reference)
        let top = try await client.call(MethodName.studyTrials, try JSONValue(encoding: StudyTrialsParams(studyName: "q", topN: 3, dbPath: database)))
        let topTrials = top["trials"]?.arrayValue ?? []
        #expect(topTrials.count == 3 && topTrials.first?["number"] == best["number"])
        let scores = topTrials.compactMap { $0["score"]?.doubleValue }
        #expect(scores == scores.sorted(by: >))
        let importance = try await client.call(MethodName.studyImportance, reference)
        #expect(importance["importance"]?.arrayValue?.count == 17)
        let csv = try await client.call(MethodName.studyExport, try JSONValue(encoding: StudyExportParams(studyName: "q", format: "csv", dbPath: database)))
        let lines = csv["content"]?.stringValue?.split(separator: "\n", omittingEmptySubsequences: false).dropLast() ?? []
        #expect(lines.count == 15 && lines.first?.hasPrefix("number,state,score,feasible") == true)
        let yaml = try await client.call(MethodName.studyExport, try JSONValue(encoding: StudyExportParams(studyName: "q", format: "yaml", dbPath: database)))
        #expect(yaml["content"] == info.result?["bestParametersYAML"])

        let cleaned = try await client.call(MethodName.studyCleanup, try JSONValue(encoding: StudyCleanupParams(studyName: "q", keepTopN: 4, dbPath: database)))
        #expect(cleaned["removed"] == 10)
        #expect(cleaned["statistics"]?["storedTrials"] == 4 && cleaned["statistics"]?["finishedTrials"] == 14)
        #expect(try await client.call(MethodName.studyBest, reference)["number"] == best["number"])

        _ = try await client.call(MethodName.studyDelete, reference)
        await #expect {
            _ = try await client.call(MethodName.studyGet, reference)
        } throws: { Self.rpcCode($0) == RPCError.studyNotFoundCode && Self.rpcMessage($0) == "no study 'q' in \(database) (it has none)" }
    }

    @Test func badRequestsGetClearErrorsAndWriteNothing() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let backtest = try Self.shortBacktest(in: daemon.scratch)
        func failure(_ params: JSONValue, method: String = MethodName.studyOptimize) async -> (Int?, String) {
            do {
                _ = try await client.call(method, params)
                return (nil, "no error")
            } catch {
                return (Self.rpcCode(error), Self.rpcMessage(error))
            }
        }
        #expect(await failure(try Self.optimizeParams("x", trials: 0, backtest: backtest)) == (RPCError.invalidParamsCode, "invalid params: trials must be at least 1, got 0"))
        let missing = await failure(try Self.optimizeParams("x", trials: 5, backtest: "configs/backtest/nope.yaml"))
        #expect(missing.0 == RPCError.invalidParamsCode && missing.1.hasSuffix("configs/backtest/nope.yaml: cannot read the file (missing, unreadable or not UTF-8)"))
        let ranges = daemon.scratch.file("ranges.yaml")
        try "parameters:\n  grid:\n    grid_levels_long: [20, 3]\n".write(toFile: ranges, atomically: true, encoding: .utf8)
        #expect(await failure(try Self.optimizeParams("x", trials: 5, backtest: backtest, optimization: ranges))
            == (RPCError.invalidParamsCode, "invalid config: \(ranges): parameters.grid.grid_levels_long: min (20.0) must not exceed max (3.0)"))
        var sampler = try Self.optimizeParams("x", trials: 5, backtest: backtest)
        if case .object(var object) = sampler {
            object["sampler"] = "cmaes"
            sampler = .object(object)
        }
        #expect(await failure(sampler) == (RPCError.invalidParamsCode, "invalid params: field 'sampler' must be tpe or random (got 'cmaes')"))
        let unknown = await failure(try JSONValue(encoding: StudyRefParams(studyName: "ghost")), method: MethodName.studyGet)
        #expect(unknown.0 == RPCError.studyNotFoundCode && unknown.1.hasPrefix("no study database at "))
        #expect(await failure(try JSONValue(encoding: StudyCleanupParams(studyName: "ghost")), method: MethodName.studyCleanup)
            == (RPCError.invalidParamsCode, "invalid params: give field 'minScore' or 'keepTopN'"))
        #expect(!FileManager.default.fileExists(atPath: daemon.scratch.file("state/studies.sqlite")))
    }

    @Test func aRunningStudyCannotBeStartedTwiceAndCancelRequeues() async throws {
        let daemon = try TestDaemon()
        let backtest = try Self.shortBacktest(in: daemon.scratch)
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.studyOptimize, try Self.optimizeParams("busy", trials: 500, backtest: backtest))
        let jobID = try #require(started["jobId"]?.stringValue)
        await #expect {
            _ = try await client.call(MethodName.studyOptimize, try Self.optimizeParams("busy", trials: 5, backtest: backtest))
        } throws: { Self.rpcCode($0) == RPCError.studyBusyCode }
        try await Task.sleep(for: .milliseconds(500))
        _ = try await client.call(MethodName.jobCancel, ["jobId": .string(jobID)])
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: jobID), as: JobInfo.self)
        #expect(info.state == .cancelled)
        let statistics = try await client.call(MethodName.studyGet, try JSONValue(encoding: StudyRefParams(studyName: "busy")))
        #expect(statistics["running"] == 0 && statistics["jobId"] == .null)
        #expect((statistics["finishedTrials"]?.intValue ?? 999) < 500)
    }
}
