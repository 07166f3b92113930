import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing
import Yams

/// `backtest/run` through a real daemon: file paths, inline objects, jobs and errors.
@Suite struct BacktestMethodTests {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
    static let strategy = "configs/strategies/hedge_grid_v1.yaml"
    static let backtest = "configs/backtest/near_2025_09.yaml"

    func params(strategy: JSONValue = .string(strategy), backtest: JSONValue = .string(backtest), runID: String, output: String, job: Bool? = nil) throws -> JSONValue {
        try JSONValue(encoding: BacktestRunParams(
            strategyConfig: strategy, backtestConfig: backtest, runId: runID, outputDir: output, workingDirectory: Self.root, environment: [:], job: job))
    }

    /// A YAML file as a JSON object, with `${VAR:-default}` resolved to the default.
    func inline(_ path: String) throws -> JSONValue {
        var text = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
        while let start = text.range(of: "${"), let end = text[start.upperBound...].firstIndex(of: "}") {
            let body = text[start.upperBound..<end]
            text.replaceSubrange(start.lowerBound...end, with: String(body.split(separator: "-", maxSplits: 1).last ?? ""))
        }
        let object = try Yams.load(yaml: text)
        return try JSONParser.parse(JSONSerialization.data(withJSONObject: object as Any))
    }

    @Test func pathsAndInlineObjectsGiveTheSameMetrics() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let output = daemon.scratch.file("reports")
        let fromFiles = try await client.call(MethodName.backtestRun, try params(runID: "files", output: output))
        let fromObjects = try await client.call(
            MethodName.backtestRun,
            try params(strategy: try inline(Self.strategy), backtest: try inline(Self.backtest), runID: "inline", output: output))
        #expect(fromFiles["metrics"] == fromObjects["metrics"])
        #expect(fromFiles["directory"]?.stringValue == output + "/files")
        #expect(fromFiles["artifacts"]?.arrayValue?.count == 5)
        #expect((fromFiles["metrics"]?["round_trips"]?.intValue ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: output + "/inline/equity.csv"))
    }

    @Test func asAJobTheResultComesFromJobWait() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.backtestRun, try params(runID: "job", output: daemon.scratch.file("r"), job: true))
        let jobID = try #require(started["jobId"]?.stringValue)
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: jobID), as: JobInfo.self)
        #expect(info.state == .succeeded)
        #expect(info.result?["run_id"] == "job")
    }

    @Test func badConfigIsInvalidParamsNamingTheKey() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        guard case .object(var strategy) = try inline(Self.strategy), case .object(var grid) = strategy["grid"] else {
            Issue.record("fixture is not a mapping")
            return
        }
        grid["grid_step_bps"] = "wide"
        strategy["grid"] = .object(grid)
        await #expect {
            _ = try await client.call(MethodName.backtestRun, try params(strategy: .object(strategy), runID: "bad", output: daemon.scratch.file("r")))
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.invalidParamsCode
                && rpc.message == "invalid config: <inline strategyConfig>: grid.grid_step_bps: must be a number, got 'wide'"
        }
        await #expect {
            _ = try await client.call(MethodName.backtestRun, try params(strategy: .string("configs/strategies/missing.yaml"), runID: "bad", output: daemon.scratch.file("r")))
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.message.contains("missing.yaml: cannot read the file")
        }
        #expect(!FileManager.default.fileExists(atPath: daemon.scratch.file("r")))
    }

    @Test func missingDataFileIsABacktestError() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        guard case .object(var backtest) = try inline(Self.backtest), case .object(var data) = backtest["data"] else {
            Issue.record("fixture is not a mapping")
            return
        }
        data["bars"] = ["data/bundled/NEARUSDT-1m-1999-01.zip"]
        backtest["data"] = .object(data)
        await #expect {
            _ = try await client.call(MethodName.backtestRun, try params(backtest: .object(backtest), runID: "x", output: daemon.scratch.file("r")))
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.backtestFailedCode && rpc.message.hasSuffix("NEARUSDT-1m-1999-01.zip: no such file")
        }
    }
}
