import Synchronization

/// The indicator series of one bar series, each computed once per period and then shared by every
/// backtest over those bars, from any thread: an optimizer's trials mostly revisit the same EMA
/// and ADX lengths, so a trial only runs the regime pass over them.
public final class IndicatorCache: Sendable {
    /// The bars the series are of.
    public let bars: BarSeries
    private let closeEMAs = Mutex<[Int: [Double]]>([:])
    private let adxSeries = Mutex<[Int: [Double]]>([:])

    public init(bars: BarSeries) {
        self.bars = bars
    }

    /// The EMA of the closes (`ExponentialMovingAverage.series`).
    public func closeEMA(period: Int) -> [Double] {
        if let cached = closeEMAs.withLock({ $0[period] }) { return cached }
        let series = ExponentialMovingAverage.series(bars.close, period: period)
        closeEMAs.withLock { $0[period] = series }
        return series
    }

    /// The ADX (`AverageDirectionalIndex.series`).
    public func adx(period: Int) -> [Double] {
        if let cached = adxSeries.withLock({ $0[period] }) { return cached }
        let series = AverageDirectionalIndex.series(high: bars.high, low: bars.low, close: bars.close, period: period)
        adxSeries.withLock { $0[period] = series }
        return series
    }

    /// Whether these are the series of `other` (the same bars, compared cheaply by their ends and count).
    public func isOf(_ other: BarSeries) -> Bool {
        bars.count == other.count && bars.openTimes.first == other.openTimes.first && bars.openTimes.last == other.openTimes.last
            && bars.close.last == other.close.last
    }
}
