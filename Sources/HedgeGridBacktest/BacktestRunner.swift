import Foundation
import HedgeGridCore
import HedgeGridData

/// Runs a backtest as a user asks for it: configs in, data loaded, engine run, report written.
public enum BacktestRunner {
    /// A failure before or after the engine ran, with its cause.
    public struct RunError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Loads the configs (paths, relative to `workingDirectory`), the data they name, runs and writes the report.
    public static func run(
        strategyPath: String, backtestPath: String, runID: String? = nil, outputDirectory: String? = nil,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment, writeFiles: Bool = true
    ) throws -> BacktestReport {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        }
        let strategy = try StrategyConfig(reader: ConfigReader(path: absolute(strategyPath), environment: environment))
        let backtest = try BacktestConfig(reader: ConfigReader(path: absolute(backtestPath), environment: environment), baseDirectory: workingDirectory)
        return try run(strategy: strategy, backtest: backtest, runID: runID, outputDirectory: outputDirectory.map(absolute), writeFiles: writeFiles)
    }

    /// Runs parsed configs.
    public static func run(
        strategy: StrategyConfig, backtest: BacktestConfig, runID: String? = nil, outputDirectory: String? = nil, writeFiles: Bool = true
    ) throws -> BacktestReport {
        let clock = ContinuousClock()
        let started = clock.now
        let prepared = try PreparedBacktest.load(strategy: strategy, backtest: backtest)
        let result = prepared.evaluate(strategy.parameters, recordEvents: writeFiles)
        let backtest = prepared.backtest
        let warnings = prepared.warnings
        let id = runID ?? "\(backtest.name)-\(ISO8601.compact(Date()))"
        var report = BacktestReport(
            runID: id, strategy: strategy, backtest: backtest, result: result, directory: nil, artifacts: [], warnings: warnings,
            elapsedMilliseconds: 0)
        let elapsed = clock.now - started
        report.elapsedMilliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        if writeFiles {
            let directory = ((outputDirectory ?? backtest.reportDirectory) as NSString).appendingPathComponent(id)
            report.artifacts = try ReportWriter.write(report, to: directory)
            report.directory = directory
        }
        return report
    }
}

/// UTC timestamps for messages and file names.
enum ISO8601 {
    static func string(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
    }

    static func compact(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
            .replacingOccurrences(of: "Z", with: "")
    }
}
