/// The regime after every bar's close, worked out for a whole series in one pass over the
/// indicator series: the same regimes, bit for bit, as feeding a `RegimeDetector` bar by bar (a
/// test holds them equal). With an `IndicatorCache` the indicators are computed once per period
/// and shared by every backtest over the same bars.
public struct RegimeSeries: Sendable, Equatable {
    /// `regimes[i]` is the detector's regime after bar `i`.
    public let regimes: [Regime]
    /// The first bar after which the detector is warm (both EMAs and the ATR have values);
    /// the bar count when it never is.
    public let warmFrom: Int

    public init(bars: BarSeries, parameters: RegimeDetector.Parameters, indicators: IndicatorCache? = nil) {
        let count = bars.count
        let cache = indicators.flatMap { $0.isOf(bars) ? $0 : nil }
        let fast = cache?.closeEMA(period: parameters.emaFast) ?? ExponentialMovingAverage.series(bars.close, period: parameters.emaFast)
        let slow = cache?.closeEMA(period: parameters.emaSlow) ?? ExponentialMovingAverage.series(bars.close, period: parameters.emaSlow)
        let adx = cache?.adx(period: parameters.adxLength)
            ?? AverageDirectionalIndex.series(high: bars.high, low: bars.low, close: bars.close, period: parameters.adxLength)
        // The detector's rules: nothing until both EMAs are warm; then sideways while the ADX is warm
        // and under the threshold, else the spread outside the hysteresis band decides.
        let emasWarm = max(parameters.emaFast, parameters.emaSlow) - 1
        let adxWarm = 2 * parameters.adxLength - 1
        let threshold = parameters.adxThreshold
        let hysteresis = parameters.hysteresisBps
        warmFrom = min(count, max(parameters.emaFast, parameters.emaSlow, parameters.atrLength) - 1)
        regimes = [Regime](unsafeUninitializedCapacity: count) { output, initialized in
            fast.withUnsafeBufferPointer { fast in
                slow.withUnsafeBufferPointer { slow in
                    adx.withUnsafeBufferPointer { adx in
                        var regime = Regime.sideways
                        for index in 0..<count {
                            if index >= emasWarm {
                                if index >= adxWarm && adx[index] < threshold {
                                    regime = .sideways
                                } else {
                                    let spread = slow[index] != 0 ? (fast[index] - slow[index]) / slow[index] * 1e4 : 0
                                    if !(abs(spread) < hysteresis) { regime = spread > 0 ? .up : .down }
                                }
                            }
                            (output.baseAddress! + index).initialize(to: regime)
                        }
                    }
                }
            }
            initialized = count
        }
    }
}
