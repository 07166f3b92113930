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
        var warnings = strategy.warnings + backtest.warnings
        var backtest = backtest
        let allBars: BarSeries
        let funding: FundingSeries
        let trades: TradeSeries
        if let catalogPath = backtest.catalogPath {
            guard FileManager.default.fileExists(atPath: catalogPath + "/catalog.sqlite") else {
                throw RunError(description: "no catalog at \(catalogPath) (fill it with hgctl data import or hgctl data download)")
            }
            let catalog = try MarketCatalog(root: catalogPath)
            if backtest.instrumentFromCatalog {
                guard let instrument = try catalog.instrument(symbol: backtest.symbol) else {
                    throw RunError(description: "no instrument filters for \(backtest.symbol) in the catalog \(catalogPath): give instrument.tick_size, step_size, min_qty and min_notional, or download/import exchangeInfo")
                }
                backtest.exchange.filters = instrument.filters
                if !backtest.maintenanceFromConfig, let maintenance = instrument.maintenanceMarginRate {
                    backtest.exchange.maintenanceMarginRate = maintenance
                }
            }
            let kind: DataKind = backtest.barSource == .mark ? .mark : .last
            // Enough history before the start to warm the indicators.
            let warmUpMs = Int64(max(backtest.warmUpBars ?? strategy.parameters.regime.warmUpBars, 0) + 1) * 60_000
            allBars = try catalog.bars(symbol: backtest.symbol, kind: kind, start: backtest.start - warmUpMs, end: backtest.end)
            funding = backtest.fundingFiles.isEmpty
                ? try catalog.funding(symbol: backtest.symbol, start: backtest.start - warmUpMs, end: backtest.end)
                : try MarketDataFile.funding(from: backtest.fundingFiles)
            trades = backtest.catalogTrades ? try catalog.trades(symbol: backtest.symbol, start: backtest.start, end: backtest.end) : TradeSeries()
        } else {
            allBars = try MarketDataFile.bars(from: backtest.barFiles)
            funding = try MarketDataFile.funding(from: backtest.fundingFiles)
            trades = try MarketDataFile.trades(from: backtest.tradeFiles)
        }
        guard !allBars.isEmpty else {
            throw RunError(description: "no \(backtest.barSource.rawValue) bars for \(backtest.symbol) between \(ISO8601.string(backtest.start)) and \(ISO8601.string(backtest.end))\(backtest.catalogPath.map { " in the catalog \($0)" } ?? "")")
        }
        let first = allBars.firstIndex(openingAtOrAfter: backtest.start)
        let last = allBars.firstIndex(openingAtOrAfter: backtest.end)
        guard first < last else {
            throw RunError(description: "no bars between \(ISO8601.string(backtest.start)) and \(ISO8601.string(backtest.end)) in \(backtest.catalogPath ?? backtest.barFiles.joined(separator: ", "))")
        }
        let wantedWarmUp = backtest.warmUpBars ?? (strategy.parameters.regimeEnabled ? strategy.parameters.regime.warmUpBars : 0)
        let warmStart = max(0, first - wantedWarmUp)
        if first - warmStart < wantedWarmUp {
            warnings.append("only \(first - warmStart) of \(wantedWarmUp) warm-up bars precede the start; trading begins once the indicators are warm")
        }
        if allBars.openTimes[last - 1] + allBars.intervalMs < backtest.end {
            warnings.append("the data ends at \(ISO8601.string(allBars.openTimes[last - 1] + allBars.intervalMs)), before time_range.end_time")
        }
        let bars = BarSeries(
            openTimes: Array(allBars.openTimes[warmStart..<last]), open: Array(allBars.open[warmStart..<last]),
            high: Array(allBars.high[warmStart..<last]), low: Array(allBars.low[warmStart..<last]),
            close: Array(allBars.close[warmStart..<last]), intervalMs: allBars.intervalMs)
        var window = FundingSeries()
        for (time, rate) in zip(funding.times, funding.rates) where time > bars.openTimes[0] && time < backtest.end {
            window.append(time: time, rate: rate)
        }
        if funding.count == 0 { warnings.append("no funding rates for the period: funding is not charged (data.funding or the catalog)") }
        let engine = BacktestEngine(
            parameters: strategy.parameters, exchange: backtest.exchange, riskFreeRate: backtest.riskFreeRate,
            periodsPerYear: backtest.periodsPerYear, recordEvents: writeFiles)
        let result = engine.run(bars: bars, funding: window, trades: trades, startIndex: first - warmStart)
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
