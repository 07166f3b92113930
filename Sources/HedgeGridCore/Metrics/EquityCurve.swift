/// Equity marked to market at every bar close: cash + realised PnL - fees + funding + unrealised PnL.
public struct EquityCurve: Sendable, Equatable {
    /// Bar close times, UTC epoch milliseconds, increasing.
    public var times: [Int64]
    public var equity: [Double]
    /// Equity before the first bar, at `startTime`.
    public var initialEquity: Double
    public var startTime: Int64

    public init(startTime: Int64, initialEquity: Double, times: [Int64] = [], equity: [Double] = []) {
        precondition(times.count == equity.count, "one equity value per time")
        self.startTime = startTime
        self.initialEquity = initialEquity
        self.times = times
        self.equity = equity
    }

    public mutating func append(time: Int64, equity value: Double) {
        times.append(time)
        equity.append(value)
    }

    public var finalEquity: Double { equity.last ?? initialEquity }
    public var endTime: Int64 { times.last ?? startTime }

    public static let millisecondsPerDay: Int64 = 86_400_000

    /// Equity sampled at the start, at every UTC midnight after it up to the end, and at the end
    /// when the end is not a midnight: the points daily returns are computed between.
    public func dailySamples() -> [Double] { statistics.dailySamples }

    /// The curve's statistics, mark by mark.
    public var statistics: EquityStatistics {
        var statistics = EquityStatistics(startTime: startTime, initialEquity: initialEquity)
        for (time, value) in zip(times, equity) { statistics.add(time: time, equity: value) }
        return statistics
    }
}
