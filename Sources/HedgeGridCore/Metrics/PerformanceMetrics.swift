import Foundation

/// The performance of a run, as spec section 4 defines it (and not as the reference computed it).
public struct PerformanceMetrics: Sendable, Equatable, Codable {
    public var totalPnl: Double
    public var totalReturnPct: Double
    /// Compound annual growth over the real time span, in percent; nil for an empty span.
    public var cagrPct: Double?
    public var sharpe: Double?
    public var sortino: Double?
    public var maxDrawdownPct: Double
    /// From the peak before the largest drawdown until equity regained it (or the end), in ms.
    public var maxDrawdownDurationMs: Int64
    /// CAGR / max drawdown; nil when there is no drawdown.
    public var calmar: Double?
    public var roundTrips: Int
    public var winRatePct: Double?
    /// Gross win / gross loss; nil when nothing was lost.
    public var profitFactor: Double?
    public var averageTradePnl: Double?
    public var feesPaid: Double
    /// Funding paid (positive) or received (negative), in quote currency.
    public var fundingPaid: Double
    public var makerRatio: Double?
    public var timeInMarketPct: Double
    public var liquidations: Int

    /// What the metrics are computed from besides the curve and the round trips.
    public struct Activity: Sendable, Equatable {
        public var feesPaid: Double = 0
        public var fundingPaid: Double = 0
        public var makerFills: Int = 0
        public var takerFills: Int = 0
        public var barsInMarket: Int = 0
        public var liquidations: Int = 0

        public init(feesPaid: Double = 0, fundingPaid: Double = 0, makerFills: Int = 0, takerFills: Int = 0, barsInMarket: Int = 0, liquidations: Int = 0) {
            self.feesPaid = feesPaid
            self.fundingPaid = fundingPaid
            self.makerFills = makerFills
            self.takerFills = takerFills
            self.barsInMarket = barsInMarket
            self.liquidations = liquidations
        }
    }

    /// Computes every metric. `riskFreeRate` is annual; `periodsPerYear` scales daily returns (365).
    public static func compute(
        curve: EquityCurve, roundTrips trips: [RoundTrip], activity: Activity, riskFreeRate: Double = 0, periodsPerYear: Double = 365
    ) -> PerformanceMetrics {
        compute(statistics: curve.statistics, roundTrips: trips, activity: activity, riskFreeRate: riskFreeRate, periodsPerYear: periodsPerYear)
    }

    /// Computes every metric from a curve's statistics (the same numbers as from the curve itself).
    public static func compute(
        statistics curve: EquityStatistics, roundTrips trips: [RoundTrip], activity: Activity, riskFreeRate: Double = 0, periodsPerYear: Double = 365
    ) -> PerformanceMetrics {
        compute(
            statistics: curve, roundTrips: RoundTripStatistics(trips), activity: activity, riskFreeRate: riskFreeRate,
            periodsPerYear: periodsPerYear)
    }

    /// Computes every metric from a curve's statistics and the round trips' (the same numbers as
    /// from the curve and the list of trips).
    public static func compute(
        statistics curve: EquityStatistics, roundTrips trips: RoundTripStatistics, activity: Activity, riskFreeRate: Double = 0,
        periodsPerYear: Double = 365
    ) -> PerformanceMetrics {
        let initial = curve.initialEquity
        let final = curve.finalEquity
        let totalPnl = final - initial
        let totalReturnPct = initial != 0 ? totalPnl / initial * 100 : 0
        let spanYears = Double(curve.endTime - curve.startTime) / (365.25 * Double(EquityCurve.millisecondsPerDay))
        var cagr: Double?
        if spanYears > 0, initial > 0 {
            cagr = final <= 0 ? -100 : (pow(final / initial, 1 / spanYears) - 1) * 100
        }

        let samples = curve.dailySamples
        var returns: [Double] = []
        returns.reserveCapacity(samples.count)
        for index in 1..<max(samples.count, 1) where samples[index - 1] != 0 {
            returns.append(samples[index] / samples[index - 1] - 1)
        }
        let target = riskFreeRate / periodsPerYear
        var sharpe: Double?
        var sortino: Double?
        if returns.count >= 2 {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
            let deviation = variance.squareRoot()
            if deviation > 0 { sharpe = (mean - target) / deviation * periodsPerYear.squareRoot() }
            let downside = (returns.reduce(0) { $0 + pow(min(0, $1 - target), 2) } / Double(returns.count)).squareRoot()
            if downside > 0 { sortino = (mean - target) / downside * periodsPerYear.squareRoot() }
        }

        // Largest drawdown on the marked-to-market curve, and how long it lasted.
        let maxDrawdownPct = curve.maxDrawdown * 100
        let duration = curve.maxDrawdownDurationMs

        let fills = activity.makerFills + activity.takerFills
        return PerformanceMetrics(
            totalPnl: totalPnl,
            totalReturnPct: totalReturnPct,
            cagrPct: cagr,
            sharpe: sharpe,
            sortino: sortino,
            maxDrawdownPct: maxDrawdownPct,
            maxDrawdownDurationMs: duration,
            calmar: (maxDrawdownPct > 0 && cagr != nil) ? cagr! / maxDrawdownPct : nil,
            roundTrips: trips.count,
            winRatePct: trips.count == 0 ? nil : Double(trips.wins) / Double(trips.count) * 100,
            profitFactor: trips.grossLoss > 0 ? trips.grossWin / trips.grossLoss : nil,
            averageTradePnl: trips.count == 0 ? nil : trips.netPnl / Double(trips.count),
            feesPaid: activity.feesPaid,
            fundingPaid: activity.fundingPaid,
            makerRatio: fills > 0 ? Double(activity.makerFills) / Double(fills) : nil,
            timeInMarketPct: curve.count == 0 ? 0 : Double(activity.barsInMarket) / Double(curve.count) * 100,
            liquidations: activity.liquidations)
    }
}
