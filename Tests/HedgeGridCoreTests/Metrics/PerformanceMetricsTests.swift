import Foundation
import HedgeGridCore
import Testing

/// Metrics on hand-built equity curves against the spec's definitions.
@Suite struct PerformanceMetricsTests {
    static let day = EquityCurve.millisecondsPerDay
    static let start: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z

    /// A curve with one value at each UTC midnight after the start.
    func dailyCurve(_ values: [Double], initial: Double = 1000) -> EquityCurve {
        var curve = EquityCurve(startTime: Self.start, initialEquity: initial)
        for (index, value) in values.enumerated() {
            curve.append(time: Self.start + Int64(index + 1) * Self.day, equity: value)
        }
        return curve
    }

    func trip(_ pnl: Double) -> RoundTrip {
        RoundTrip(side: .long, entryTime: 0, exitTime: 1, entryPrice: 100, exitPrice: 100, quantity: 1, pnl: pnl)
    }

    @Test func flatCurveHasNoRatiosAndNoDrawdown() {
        let metrics = PerformanceMetrics.compute(curve: dailyCurve(Array(repeating: 1000, count: 30)), roundTrips: [], activity: .init())
        #expect(metrics.totalPnl == 0)
        #expect(metrics.cagrPct == 0)
        #expect(metrics.sharpe == nil)
        #expect(metrics.sortino == nil)
        #expect(metrics.maxDrawdownPct == 0)
        #expect(metrics.calmar == nil)
        #expect(metrics.winRatePct == nil)
        #expect(metrics.profitFactor == nil)
    }

    @Test func sharpeAndSortinoFromDailyReturns() throws {
        let values = [1010.0, 1000, 1020, 1015, 1030]
        let metrics = PerformanceMetrics.compute(curve: dailyCurve(values), roundTrips: [], activity: .init())
        let samples = [1000.0] + values
        let returns = (1..<samples.count).map { samples[$0] / samples[$0 - 1] - 1 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)).squareRoot()
        let downside = (returns.map { min(0, $0) * min(0, $0) }.reduce(0, +) / Double(returns.count)).squareRoot()
        #expect(abs(try #require(metrics.sharpe) - mean / std * 365.0.squareRoot()) < 1e-9)
        #expect(abs(try #require(metrics.sortino) - mean / downside * 365.0.squareRoot()) < 1e-9)
        #expect(abs(metrics.totalReturnPct - 3) < 1e-9)
        let years = 5.0 / 365.25
        #expect(abs(try #require(metrics.cagrPct) - (pow(1.03, 1 / years) - 1) * 100) < 1e-6)
    }

    @Test func riskFreeRateLowersSharpe() throws {
        let curve = dailyCurve([1010, 1000, 1020, 1015, 1030])
        let plain = try #require(PerformanceMetrics.compute(curve: curve, roundTrips: [], activity: .init()).sharpe)
        let withRate = try #require(PerformanceMetrics.compute(curve: curve, roundTrips: [], activity: .init(), riskFreeRate: 0.05).sharpe)
        #expect(withRate < plain)
    }

    @Test func drawdownWithoutRecoveryLastsToTheEnd() throws {
        let metrics = PerformanceMetrics.compute(curve: dailyCurve([1100, 1000, 900, 950, 990]), roundTrips: [], activity: .init())
        #expect(abs(metrics.maxDrawdownPct - 200.0 / 1100 * 100) < 1e-9)
        // Peak on day 1, never regained: from day 1 to the end (day 5).
        #expect(metrics.maxDrawdownDurationMs == 4 * Self.day)
        let cagr = try #require(metrics.cagrPct)
        #expect(abs(try #require(metrics.calmar) - cagr / metrics.maxDrawdownPct) < 1e-12)
    }

    @Test func recoveredDrawdownEndsAtTheRecovery() {
        let metrics = PerformanceMetrics.compute(curve: dailyCurve([1100, 1000, 1100, 1200, 1150]), roundTrips: [], activity: .init())
        #expect(abs(metrics.maxDrawdownPct - 100.0 / 1100 * 100) < 1e-9)
        #expect(metrics.maxDrawdownDurationMs == 2 * Self.day)
    }

    @Test func unrealisedLossesShowInTheDrawdown() {
        // Intraday (bar-close) dip that recovers before midnight: daily samples never see it,
        // the marked-to-market curve does.
        var curve = EquityCurve(startTime: Self.start, initialEquity: 1000)
        curve.append(time: Self.start + 60_000, equity: 800)
        curve.append(time: Self.start + Self.day, equity: 1000)
        let metrics = PerformanceMetrics.compute(curve: curve, roundTrips: [], activity: .init())
        #expect(abs(metrics.maxDrawdownPct - 20) < 1e-9)
    }

    @Test func noLosingTradeMeansNoProfitFactor() throws {
        let metrics = PerformanceMetrics.compute(curve: dailyCurve([1010]), roundTrips: [trip(5), trip(5)], activity: .init())
        #expect(metrics.profitFactor == nil)
        #expect(metrics.winRatePct == 100)
        let mixed = PerformanceMetrics.compute(curve: dailyCurve([1010]), roundTrips: [trip(6), trip(-2), trip(0), trip(4)], activity: .init())
        #expect(try #require(mixed.profitFactor) == 5)
        #expect(mixed.winRatePct == 50)
        #expect(mixed.averageTradePnl == 2)
    }

    @Test func activityFiguresPassThrough() {
        let activity = PerformanceMetrics.Activity(feesPaid: 3.5, fundingPaid: -1.25, makerFills: 3, takerFills: 1, barsInMarket: 1, liquidations: 2)
        let metrics = PerformanceMetrics.compute(curve: dailyCurve([1000, 1001]), roundTrips: [], activity: activity)
        #expect(metrics.feesPaid == 3.5)
        #expect(metrics.fundingPaid == -1.25)
        #expect(metrics.makerRatio == 0.75)
        #expect(metrics.timeInMarketPct == 50)
        #expect(metrics.liquidations == 2)
    }

    @Test func dailySamplesCarryTheLastValueOverMidnightsWithoutBars() {
        var curve = EquityCurve(startTime: Self.start, initialEquity: 100)
        curve.append(time: Self.start + Self.day / 2, equity: 110)
        curve.append(time: Self.start + 2 * Self.day + 5, equity: 120)
        // start, midnight 1 (110), midnight 2 (110), end (120)
        #expect(curve.dailySamples() == [100, 110, 110, 120])
    }
}

/// The round trips' statistics, gathered one by one, are the list's.
@Suite struct RoundTripStatisticsTests {
    static func trip(_ pnl: Double) -> RoundTrip {
        RoundTrip(side: .long, entryTime: 0, exitTime: 1, entryPrice: 100, exitPrice: 101, quantity: 1, pnl: pnl)
    }

    @Test func sumsAreTheListsInItsOrder() {
        let pnls = [0.1, -0.3, 0.0, 2.5e-9, -1e6, 0.7, 3.3, -0.2]
        var streamed = RoundTripStatistics()
        for pnl in pnls { streamed.add(Self.trip(pnl)) }
        #expect(streamed == RoundTripStatistics(pnls.map(Self.trip)))
        #expect(streamed.count == 8)
        #expect(streamed.wins == 4)
        #expect(streamed.grossWin == pnls.filter { $0 > 0 }.reduce(0, +))
        #expect(streamed.grossLoss == pnls.filter { $0 < 0 }.reduce(0) { $0 - $1 })
        #expect(streamed.netPnl == pnls.reduce(0, +))
    }

    @Test func aTripWithoutANumberIsNeitherWinNorLoss() {
        let statistics = RoundTripStatistics([Self.trip(1), Self.trip(.nan), Self.trip(-2)])
        #expect(statistics.count == 3 && statistics.wins == 1)
        #expect(statistics.grossWin == 1 && statistics.grossLoss == 2)
        #expect(statistics.netPnl.isNaN)
    }
}
