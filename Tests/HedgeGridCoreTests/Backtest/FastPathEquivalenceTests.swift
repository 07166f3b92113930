@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// The engine's shortcuts (quiet bars in bulk, the cap-only re-check) change no output: every run
/// here is compared, fingerprint against fingerprint, with the same run through the general path.
@Suite struct FastPathEquivalenceTests {
    /// The variant run with a trade-through of 3 bps (limits fill only when the price passes them).
    static let tradeThrough = "trade-through"

    static func variants() -> [(String, HedgeGridParameters)] {
        var base = HedgeGridParameters()
        base.baseQuantity = 2
        var capBinding = base
        capBinding.maxPositionPct = 0.02
        var noRegime = base
        noRegime.regimeEnabled = false
        var wide = base
        wide.gridStepBps = 15
        wide.gridLevelsLong = 12
        wide.gridLevelsShort = 9
        wide.quantityScale = 0.9
        wide.stopLossEnabled = false
        // More than 64 rungs a side: beyond what `reconcileSuffixes` takes.
        var long = base
        long.gridStepBps = 4
        long.gridLevelsLong = 70
        long.gridLevelsShort = 66
        long.quantityScale = 1
        var guarded = base
        guarded.fundingMaxCostBps = 0.5
        guarded.fundingWindowMinutes = 120
        var noRecenter = base
        noRecenter.recenterEnabled = false
        noRecenter.policy = .coreAndScalp
        return [("default", base), ("cap binding", capBinding), ("no regime", noRegime), ("wide ladder", wide), ("long ladder", long),
                ("funding guard", guarded), ("no recentering", noRecenter), (tradeThrough, base)]
    }

    /// A random walk whose opens are its last closes, or (`gappedOpens`) move up to 0.3% away from
    /// them, so entries placed at a close can cross the next open and take the post-only retries.
    static func bars(seed: UInt64, gappedOpens: Bool) -> BarSeries {
        var bars = BarSeries.randomWalk(count: 15_000, price: 50, volatility: 0.002, seed: seed)
        guard gappedOpens else { return bars }
        var random = SeededUniform(seed: seed)
        for index in 1..<bars.count {
            bars.open[index] = bars.close[index - 1] * (1 + (random.next() - 0.5) * 0.006)
            bars.high[index] = max(bars.high[index], bars.open[index])
            bars.low[index] = min(bars.low[index], bars.open[index])
        }
        return bars
    }

    @Test(arguments: zip([1, 2, 3] as [UInt64], [false, false, true]))
    func shortcutsChangeNothing(seed: UInt64, gappedOpens: Bool) async {
        let bars = Self.bars(seed: seed, gappedOpens: gappedOpens)
        var funding = FundingSeries()
        var time = bars.openTimes[0] + 8 * 3_600_000
        var sign = 1.0
        while time < bars.openTimes[bars.count - 1] {
            funding.append(time: time, rate: sign * 0.0004)
            sign = -sign
            time += 8 * 3_600_000
        }
        let exchange = ExchangeSettings(
            startingBalance: 5_000, leverage: 3, makerFee: 0.0002, takerFee: 0.0005,
            filters: InstrumentFilters(tickSize: 0.01, stepSize: 0.01, minQty: 0.01, minNotional: 5))
        for (name, parameters) in Self.variants() {
            var exchange = exchange
            if name == Self.tradeThrough { exchange.tradeThroughBps = 3 }
            let engine = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: true)
            var generalEngine = engine
            generalEngine.generalPathOnly = true
            let general = generalEngine
            let funding = funding
            let (fast, slow) = await offThePool {
                (engine.run(bars: bars, funding: funding, startIndex: 200), general.run(bars: bars, funding: funding, startIndex: 200))
            }
            #expect(fast.fillCount > 30, "\(name): the run should trade")
            if gappedOpens { #expect(fast.postOnlyRejections > 20, "\(name): entries should cross the opens") }
            #expect(fast.fingerprint == slow.fingerprint, "\(name), seed \(seed)")
            #expect(fast.metrics == slow.metrics, "\(name), seed \(seed)")
        }
    }

    /// An optimizer trial keeps no events, no round trips and no equity curve, and its metrics are
    /// the report run's, bit for bit (round trips and equity are gathered as the run goes).
    @Test func aTrialHasTheReportRunsMetrics() async {
        let bars = BarSeries.randomWalk(count: 15_000, price: 50, volatility: 0.002, seed: 3)
        let exchange = ExchangeSettings(
            startingBalance: 5_000, leverage: 3, makerFee: 0.0002, takerFee: 0.0005,
            filters: InstrumentFilters(tickSize: 0.01, stepSize: 0.01, minQty: 0.01, minNotional: 5))
        for (name, parameters) in Self.variants() {
            let report = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: true)
            let trial = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: false, recordEquityCurve: false)
            let (full, lean) = await offThePool {
                (report.run(bars: bars, startIndex: 200), trial.run(bars: bars, startIndex: 200))
            }
            #expect(full.roundTrips.count > 10, "\(name): the run should close trips")
            #expect(lean.metrics == full.metrics, "\(name)")
            #expect(lean.metrics.roundTrips == full.roundTrips.count, "\(name)")
            #expect(lean.roundTrips.isEmpty && lean.fills.isEmpty && lean.orders.isEmpty && lean.equity.times.isEmpty, "\(name)")
        }
    }
}
