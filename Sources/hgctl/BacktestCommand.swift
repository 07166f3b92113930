import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl backtest`: one HedgeGridV1 backtest through the daemon, with a summary table and report files.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a backtest and write summary.json, orders.csv, fills.csv, trades.csv and equity.csv.",
        discussion: "Files go to <output.report_dir>/<run_id>/ (or --output-dir/<run_id>/). Relative paths are resolved against the current directory.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("strategy-config"), help: "Strategy YAML, e.g. configs/strategies/hedge_grid_v1.yaml.")
    var strategyConfig: String

    @Option(name: .customLong("backtest-config"), help: "Backtest YAML, e.g. configs/backtest/near_2025_09.yaml.")
    var backtestConfig: String

    @Option(name: .customLong("run-id"), help: "Name of the report folder (default: <backtest name>-<UTC time>).")
    var runID: String?

    @Option(name: .customLong("output-dir"), help: "Write <run_id>/ here instead of output.report_dir.")
    var outputDirectory: String?

    func run() async throws {
        let client = try global.connect()
        let params = BacktestRunParams(
            strategyConfig: .string(strategyConfig), backtestConfig: .string(backtestConfig), runId: runID, outputDir: outputDirectory,
            workingDirectory: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment)
        let result = await Console.call(client, MethodName.backtestRun, try JSONValue(encoding: params))
        if global.json {
            Console.printJSON(result)
            return
        }
        for warning in result["warnings"]?.arrayValue ?? [] {
            Console.note("warning: \(warning.stringValue ?? "")")
        }
        let metrics = result["metrics"] ?? .null
        func number(_ key: String, _ format: String, suffix: String = "") -> String {
            guard let value = metrics[key]?.doubleValue else { return "n/a" }
            return String(format: format, value) + suffix
        }
        print("\(result["backtest"]?.stringValue ?? "backtest") \(result["symbol"]?.stringValue ?? "") (\(result["bar_source"]?.stringValue ?? "") bars) \(result["start"]?.stringValue ?? "") to \(result["end"]?.stringValue ?? ""), \(result["bars"]?.intValue ?? 0) bars")
        var table = TextTable(["", ""])
        table.rows = [
            ["total return", number("total_return_pct", "%.2f", suffix: " %") + "  (" + number("total_pnl", "%.2f") + " USDT)"],
            ["CAGR", number("cagr_pct", "%.2f", suffix: " %")],
            ["Sharpe", number("sharpe", "%.2f")],
            ["Sortino", number("sortino", "%.2f")],
            ["Calmar", number("calmar", "%.2f")],
            ["max drawdown", number("max_drawdown_pct", "%.2f", suffix: " %") + "  (" + number("max_drawdown_duration_hours", "%.1f") + " h)"],
            ["round trips", "\(metrics["round_trips"]?.intValue ?? 0)"],
            ["win rate", number("win_rate_pct", "%.1f", suffix: " %")],
            ["profit factor", number("profit_factor", "%.2f")],
            ["fees paid", number("fees_paid", "%.2f")],
            ["funding paid", number("funding_paid", "%.2f")],
            ["liquidations", "\(metrics["liquidations"]?.intValue ?? 0)"],
        ]
        print(table.rendered.split(separator: "\n").dropFirst().joined(separator: "\n"))
        if let directory = result["directory"]?.stringValue {
            print("report: \(directory)/ (\(String(format: "%.0f", result["elapsed_ms"]?.doubleValue ?? 0)) ms)")
        }
    }
}
