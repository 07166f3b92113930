import Foundation
import HedgeGridCore
import HedgeGridData

/// A backtest period with its market data loaded once, ready to evaluate many parameter sets
/// (the optimizer runs thousands of trials over one of these without touching the disk).
public struct PreparedBacktest: Sendable {
    /// The backtest config, with the instrument filters resolved (from the catalog when asked).
    public var backtest: BacktestConfig
    /// Bars from the warm-up through the end of the period.
    public var bars: BarSeries {
        didSet { indicators = IndicatorCache(bars: bars) }
    }
    /// The bars' indicator series, computed once per period for all the trials (new bars, new cache).
    public private(set) var indicators: IndicatorCache
    /// Funding times after the first bar and before the period's end.
    public var funding: FundingSeries
    public var trades: TradeSeries
    /// The first traded bar; earlier bars only warm the indicators.
    public var startIndex: Int
    public var warnings: [String]

    public init(backtest: BacktestConfig, bars: BarSeries, funding: FundingSeries, trades: TradeSeries, startIndex: Int, warnings: [String]) {
        self.backtest = backtest
        self.bars = bars
        self.indicators = IndicatorCache(bars: bars)
        self.funding = funding
        self.trades = trades
        self.startIndex = startIndex
        self.warnings = warnings
    }

    /// Loads the data a backtest config names, with `warmUpBars` bars before the start (default:
    /// as many as the strategy needs; the optimizer asks for enough for its widest ranges).
    public static func load(strategy: StrategyConfig, backtest: BacktestConfig, warmUpBars: Int? = nil) throws -> PreparedBacktest {
        var warnings = strategy.warnings + backtest.warnings
        var backtest = backtest
        let wantedWarmUp = backtest.warmUpBars ?? warmUpBars ?? (strategy.parameters.regimeEnabled ? strategy.parameters.regime.warmUpBars : 0)
        let allBars: BarSeries
        let funding: FundingSeries
        let trades: TradeSeries
        if let catalogPath = backtest.catalogPath {
            guard FileManager.default.fileExists(atPath: catalogPath + "/catalog.sqlite") else {
                throw BacktestRunner.RunError(description: "no catalog at \(catalogPath) (fill it with hgctl data import or hgctl data download)")
            }
            let catalog = try MarketCatalog(root: catalogPath)
            if backtest.instrumentFromCatalog {
                guard let instrument = try catalog.instrument(symbol: backtest.symbol) else {
                    throw BacktestRunner.RunError(description: "no instrument filters for \(backtest.symbol) in the catalog \(catalogPath): give instrument.tick_size, step_size, min_qty and min_notional, or download/import exchangeInfo")
                }
                backtest.exchange.filters = instrument.filters
                if !backtest.maintenanceFromConfig, let maintenance = instrument.maintenanceMarginRate {
                    backtest.exchange.maintenanceMarginRate = maintenance
                }
            }
            let kind: DataKind = backtest.barSource == .mark ? .mark : .last
            let warmUpMs = Int64(max(wantedWarmUp, 0) + 1) * 60_000
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
            throw BacktestRunner.RunError(description: "no \(backtest.barSource.rawValue) bars for \(backtest.symbol) between \(ISO8601.string(backtest.start)) and \(ISO8601.string(backtest.end))\(backtest.catalogPath.map { " in the catalog \($0)" } ?? "")")
        }
        let first = allBars.firstIndex(openingAtOrAfter: backtest.start)
        let last = allBars.firstIndex(openingAtOrAfter: backtest.end)
        guard first < last else {
            throw BacktestRunner.RunError(description: "no bars between \(ISO8601.string(backtest.start)) and \(ISO8601.string(backtest.end)) in \(backtest.catalogPath ?? backtest.barFiles.joined(separator: ", "))")
        }
        let warmStart = max(0, first - wantedWarmUp)
        if first - warmStart < wantedWarmUp {
            warnings.append("only \(first - warmStart) of \(wantedWarmUp) warm-up bars precede the start; trading begins once the indicators are warm")
        }
        if allBars.openTimes[last - 1] + allBars.intervalMs < backtest.end {
            warnings.append("the data ends at \(ISO8601.string(allBars.openTimes[last - 1] + allBars.intervalMs)), before time_range.end_time")
        }
        if funding.count == 0 { warnings.append("no funding rates for the period: funding is not charged (data.funding or the catalog)") }
        return PreparedBacktest(
            backtest: backtest, bars: allBars.slice(warmStart..<last), funding: funding, trades: trades, startIndex: first - warmStart,
            warnings: warnings
        ).windowedFunding()
    }

    /// Keeps only the funding times the bars can settle.
    private func windowedFunding() -> PreparedBacktest {
        var copy = self
        var window = FundingSeries()
        let first = bars.openTimes.first ?? 0
        for (time, rate) in zip(funding.times, funding.rates) where time > first && time < backtest.end {
            window.append(time: time, rate: rate)
        }
        copy.funding = window
        return copy
    }

    /// Splits the period at the bar opening at `fraction` of it: the part before (in-sample) and
    /// the part after (held out), each with its own warm-up bars taken from what precedes it.
    public func split(at fraction: Double) -> (inSample: PreparedBacktest, holdout: PreparedBacktest) {
        let traded = bars.count - startIndex
        let splitIndex = startIndex + Int((Double(traded) * fraction).rounded(.down))
        var inSample = self
        inSample.bars = bars.slice(0..<splitIndex)
        inSample.backtest.end = bars.openTimes[splitIndex]
        var holdout = self
        let holdoutWarmStart = max(0, splitIndex - startIndex)
        holdout.bars = bars.slice(holdoutWarmStart..<bars.count)
        holdout.startIndex = splitIndex - holdoutWarmStart
        holdout.backtest.start = bars.openTimes[splitIndex]
        return (inSample.windowedFunding(), holdout.windowedFunding())
    }

    /// The engine for `parameters` with this period's exchange and metric settings.
    public func engine(_ parameters: HedgeGridParameters, recordEvents: Bool = false, recordEquityCurve: Bool = true) -> BacktestEngine {
        BacktestEngine(
            parameters: parameters, exchange: backtest.exchange, riskFreeRate: backtest.riskFreeRate,
            periodsPerYear: backtest.periodsPerYear, recordEvents: recordEvents, recordEquityCurve: recordEquityCurve)
    }

    /// Runs `parameters` over the period.
    public func evaluate(_ parameters: HedgeGridParameters, recordEvents: Bool = false) -> BacktestResult {
        engine(parameters, recordEvents: recordEvents).run(bars: bars, funding: funding, trades: trades, startIndex: startIndex, indicators: indicators)
    }

    /// Runs `parameters` over the period as an optimizer trial (metrics only, no equity curve),
    /// giving up (nil) once `shouldStop` returns true.
    public func evaluate(_ parameters: HedgeGridParameters, shouldStop: () -> Bool) -> BacktestResult? {
        engine(parameters, recordEquityCurve: false).run(
            bars: bars, funding: funding, trades: trades, startIndex: startIndex, indicators: indicators, shouldStop: shouldStop)
    }
}

extension BarSeries {
    /// The bars in `range`, as a new series.
    func slice(_ range: Range<Int>) -> BarSeries {
        BarSeries(
            openTimes: Array(openTimes[range]), open: Array(open[range]), high: Array(high[range]), low: Array(low[range]),
            close: Array(close[range]), intervalMs: intervalMs)
    }
}
