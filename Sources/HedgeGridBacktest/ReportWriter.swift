import Foundation
import HedgeGridCore

/// Writes a run's files: `summary.json`, `orders.csv`, `fills.csv`, `trades.csv` (round trips) and
/// `equity.csv` (one row per bar, at the bar's close). Times are UTC epoch milliseconds.
///
/// Files go to a temporary folder first, which is renamed into place at the end, so a crash never
/// leaves a half-written report; an existing run folder is never overwritten.
public enum ReportWriter {
    public static let fileNames = ["summary.json", "orders.csv", "fills.csv", "trades.csv", "equity.csv"]

    public static func write(_ report: BacktestReport, to directory: String) throws -> [String] {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: directory) {
            throw BacktestRunner.RunError(description: "\(directory) already exists: choose another --run-id (reports are never overwritten)")
        }
        let parent = (directory as NSString).deletingLastPathComponent
        let staging = parent + "/.partial-\(ProcessInfo.processInfo.processIdentifier)-\((directory as NSString).lastPathComponent)"
        do {
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try summaryJSON(report).write(to: URL(fileURLWithPath: staging + "/summary.json"))
            try ordersCSV(report.result).write(toFile: staging + "/orders.csv", atomically: false, encoding: .utf8)
            try fillsCSV(report.result).write(toFile: staging + "/fills.csv", atomically: false, encoding: .utf8)
            try tradesCSV(report.result).write(toFile: staging + "/trades.csv", atomically: false, encoding: .utf8)
            try equityCSV(report.result).write(toFile: staging + "/equity.csv", atomically: false, encoding: .utf8)
            try fileManager.moveItem(atPath: staging, toPath: directory)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw BacktestRunner.RunError(description: "cannot write the report to \(directory): \(error.localizedDescription)")
        }
        return fileNames.map { directory + "/" + $0 }
    }

    /// The run's figures as a JSON-ready dictionary (also the daemon's answer).
    public static func summary(_ report: BacktestReport) -> [String: Any] {
        let metrics = report.result.metrics
        func value(_ number: Double?) -> Any { number.map { $0 as Any } ?? NSNull() }
        return [
            "run_id": report.runID,
            "strategy": report.strategy.name,
            "backtest": report.backtest.name,
            "symbol": report.backtest.symbol,
            "bar_source": report.backtest.barSource.rawValue,
            "fills_from": report.backtest.tradeFiles.isEmpty ? "bar path (open, nearer extreme, farther extreme, close)" : "trades inside their time span, bar path elsewhere",
            "start": ISO8601.string(report.backtest.start),
            "end": ISO8601.string(report.backtest.end),
            "bars": report.result.bars,
            "metrics": [
                "total_pnl": metrics.totalPnl, "total_return_pct": metrics.totalReturnPct, "cagr_pct": value(metrics.cagrPct),
                "sharpe": value(metrics.sharpe), "sortino": value(metrics.sortino), "calmar": value(metrics.calmar),
                "max_drawdown_pct": metrics.maxDrawdownPct, "max_drawdown_duration_hours": Double(metrics.maxDrawdownDurationMs) / 3_600_000,
                "round_trips": metrics.roundTrips, "win_rate_pct": value(metrics.winRatePct), "profit_factor": value(metrics.profitFactor),
                "average_trade_pnl": value(metrics.averageTradePnl), "fees_paid": metrics.feesPaid, "funding_paid": metrics.fundingPaid,
                "maker_ratio": value(metrics.makerRatio), "time_in_market_pct": metrics.timeInMarketPct, "liquidations": metrics.liquidations,
            ] as [String: Any],
            "fills": report.result.fillCount,
            "max_dropped_rungs_per_ladder": report.result.droppedRungs,
            "post_only_rejections": report.result.postOnlyRejections,
            "warnings": report.warnings,
            "elapsed_ms": report.elapsedMilliseconds,
            "equity_rows": "one per bar, at the bar's close time",
        ]
    }

    static func summaryJSON(_ report: BacktestReport) throws -> Data {
        try JSONSerialization.data(withJSONObject: summary(report), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    static func direction(_ isBuy: Bool) -> String { isBuy ? "BUY" : "SELL" }

    static func ordersCSV(_ result: BacktestResult) -> String {
        var text = "order_id,time,event,side,direction,level,price,quantity\n"
        for order in result.orders {
            text += "\(order.orderID),\(order.time),\(order.kind.rawValue),\(order.side.rawValue),\(direction(order.isBuy)),\(order.level),\(order.price),\(order.quantity)\n"
        }
        return text
    }

    static func fillsCSV(_ result: BacktestResult) -> String {
        var text = "order_id,time,side,direction,price,quantity,fee,liquidity,reason,realized_pnl\n"
        for fill in result.fills {
            text += "\(fill.orderID),\(fill.time),\(fill.side.rawValue),\(direction(fill.isBuy)),\(fill.price),\(fill.quantity),\(fill.fee),\(fill.isMaker ? "maker" : "taker"),\(fill.reason.rawValue),\(fill.realizedPnl)\n"
        }
        return text
    }

    static func tradesCSV(_ result: BacktestResult) -> String {
        var text = "side,entry_time,exit_time,entry_price,exit_price,quantity,pnl\n"
        for trip in result.roundTrips {
            text += "\(trip.side.rawValue),\(trip.entryTime),\(trip.exitTime),\(trip.entryPrice),\(trip.exitPrice),\(trip.quantity),\(trip.pnl)\n"
        }
        return text
    }

    static func equityCSV(_ result: BacktestResult) -> String {
        var text = "time,equity\n"
        text.reserveCapacity(result.equity.times.count * 28)
        for (time, equity) in zip(result.equity.times, result.equity.equity) {
            text += "\(time),\(equity)\n"
        }
        return text
    }
}
