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
    public func dailySamples() -> [Double] {
        var samples = [initialEquity]
        var nextMidnight = (startTime / Self.millisecondsPerDay + 1) * Self.millisecondsPerDay
        var lastValue = initialEquity
        for (time, value) in zip(times, equity) {
            while time > nextMidnight {
                samples.append(lastValue)
                nextMidnight += Self.millisecondsPerDay
            }
            lastValue = value
            if time == nextMidnight {
                samples.append(value)
                nextMidnight += Self.millisecondsPerDay
            }
        }
        if let last = times.last, last % Self.millisecondsPerDay != 0 { samples.append(lastValue) }
        return samples
    }
}
