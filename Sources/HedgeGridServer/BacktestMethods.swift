import Foundation
import HedgeGridBacktest
import HedgeGridData
import HedgeGridRPC

/// `backtest/run`: configs (paths or inline objects) in, metrics and report files out.
enum BacktestMethods {
    static func register(on server: RPCServer) {
        server.register(MethodName.backtestRun) { context, params in
            let request = try params.decodeParams(BacktestRunParams.self)
            let work: @Sendable () async throws -> JSONValue = { try await Task.detached(priority: .userInitiated) { try run(request) }.value }
            if request.job == true {
                let info = try await context.server.jobs.start(kind: MethodName.backtestRun, title: "backtest", owner: context.session.id) { progress in
                    await progress.report(percentage: 0, message: "loading data and running")
                    return try await work()
                }
                return try JSONValue(encoding: JobStarted(jobId: info.id))
            }
            return try await work()
        }
    }

    static func run(_ request: BacktestRunParams) throws -> JSONValue {
        let workingDirectory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
        let environment = request.environment ?? ProcessInfo.processInfo.environment
        do {
            let strategy = try StrategyConfig(reader: reader(request.strategyConfig, field: "strategyConfig", workingDirectory: workingDirectory, environment: environment))
            let backtest = try BacktestConfig(
                reader: reader(request.backtestConfig, field: "backtestConfig", workingDirectory: workingDirectory, environment: environment),
                baseDirectory: workingDirectory)
            let output = request.outputDir.map { $0.hasPrefix("/") ? $0 : (workingDirectory as NSString).appendingPathComponent($0) }
            let report = try BacktestRunner.run(strategy: strategy, backtest: backtest, runID: request.runId, outputDirectory: output)
            var summary = ReportWriter.summary(report)
            summary["directory"] = report.directory ?? NSNull()
            summary["artifacts"] = report.artifacts
            let data = try JSONSerialization.data(withJSONObject: summary)
            return try JSONParser.parse(data)
        } catch let error as ConfigError {
            throw RPCError(code: RPCError.invalidParamsCode, message: "invalid config: \(error)")
        } catch let error as BacktestRunner.RunError {
            throw RPCError(code: RPCError.backtestFailedCode, message: error.description)
        } catch let error as MarketDataError {
            throw RPCError(code: RPCError.backtestFailedCode, message: "bad market data: \(error)")
        }
    }

    /// A reader for a path (relative to the working directory) or an inline object.
    static func reader(_ value: JSONValue, field: String, workingDirectory: String, environment: [String: String]) throws -> ConfigReader {
        switch value {
        case .string(let path):
            let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
            return try ConfigReader(path: absolute, environment: environment)
        case .object:
            let object = try JSONSerialization.jsonObject(with: JSONSerializer.data(value))
            guard let mapping = object as? [String: Any] else { throw RPCError.invalidParams("field '\(field)' must be a path or an object") }
            return ConfigReader(mapping: mapping, file: "<inline \(field)>")
        default:
            throw RPCError.invalidParams("field '\(field)' must be a path (string) or a config object")
        }
    }
}
