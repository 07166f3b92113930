/// HedgeGridV1 on a simulated USDT-M linear perpetual in hedge mode (spec sections 2 to 4).
///
/// Bars before `startIndex` only warm the indicators. On each later bar: funding settles if a
/// funding time has come, resting orders fill along the bar's price path, the position is
/// checked for liquidation, equity is marked at the close, and then the strategy decides the
/// orders that rest from the next bar on. Same inputs, same outputs, bit for bit.
public struct BacktestEngine: Sendable {
    public var parameters: HedgeGridParameters
    public var exchange: ExchangeSettings
    public var riskFreeRate: Double
    public var periodsPerYear: Double
    /// Keep every fill, order event and round trip (for reports); off for optimizer trials (the
    /// metrics are the same either way).
    public var recordEvents: Bool
    /// Keep the equity of every bar in `BacktestResult.equity`; off for optimizer trials (the
    /// metrics are the same either way: they are gathered as the run goes).
    public var recordEquityCurve: Bool
    /// Runs every bar through the general path (no bulk quiet bars, no cap-only re-check, no
    /// shortcut selection, every entry tested by each path segment): slower, the same outputs;
    /// tests compare the two.
    var generalPathOnly = false

    public init(
        parameters: HedgeGridParameters, exchange: ExchangeSettings, riskFreeRate: Double = 0, periodsPerYear: Double = 365, recordEvents: Bool = false,
        recordEquityCurve: Bool = true
    ) {
        self.recordEquityCurve = recordEquityCurve
        self.parameters = parameters
        self.exchange = exchange
        self.riskFreeRate = riskFreeRate
        self.periodsPerYear = periodsPerYear
        self.recordEvents = recordEvents
    }

    /// Runs over `bars` from `startIndex` (earlier bars warm the indicators) to the end.
    ///
    /// With `trades`, a bar inside the trades' time span fills along its trade prices (a bar with no
    /// trade fills nothing); bars outside it use the bar path rule.
    /// `indicators` (a cache of these same bars' indicator series) spares recomputing them.
    public func run(
        bars: BarSeries, funding: FundingSeries = FundingSeries(), trades: TradeSeries = TradeSeries(), startIndex: Int = 0,
        indicators: IndicatorCache? = nil
    ) -> BacktestResult {
        simulate(bars: bars, funding: funding, trades: trades, startIndex: startIndex, indicators: indicators, shouldStop: nil)!
    }

    /// Like `run`, but gives up (returns nil) once `shouldStop` returns true; it is asked every
    /// 4,096 bars, so a trial that runs too long or is cancelled stops within microseconds.
    public func run(
        bars: BarSeries, funding: FundingSeries = FundingSeries(), trades: TradeSeries = TradeSeries(), startIndex: Int = 0,
        indicators: IndicatorCache? = nil, shouldStop: () -> Bool
    ) -> BacktestResult? {
        withoutActuallyEscaping(shouldStop) { shouldStop in
            simulate(bars: bars, funding: funding, trades: trades, startIndex: startIndex, indicators: indicators, shouldStop: shouldStop)
        }
    }

    /// One simulation over the bars' memory (and the regimes', when regime detection is on).
    private func simulate(
        bars: BarSeries, funding: FundingSeries, trades: TradeSeries, startIndex: Int, indicators: IndicatorCache?, shouldStop: (() -> Bool)?
    ) -> BacktestResult? {
        let regimes = parameters.regimeEnabled ? RegimeSeries(bars: bars, parameters: parameters.regime, indicators: indicators) : nil
        return bars.withColumns { columns in
            (regimes?.regimes ?? []).withUnsafeBufferPointer { regimeAfter in
                let buffers = SelectionBuffers(levelsLong: parameters.gridLevelsLong, levelsShort: parameters.gridLevelsShort)
                defer { buffers.deallocate() }
                var simulation = Simulation(
                    engine: self, columns: columns, regimeAfter: regimes == nil ? nil : regimeAfter.baseAddress, tradingFrom: regimes?.warmFrom ?? 0,
                    funding: funding, trades: trades, startIndex: min(max(startIndex, 0), bars.count), selectionBuffers: buffers)
                defer { simulation.deallocateOrders() }
                return simulation.run(shouldStop: shouldStop)
            }
        }
    }
}
