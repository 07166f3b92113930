/// The regime after every bar's close, worked out for a whole series in one pass over the
/// indicator series (for one backtest, the EMAs and the ADX are computed within that pass): the same regimes,
/// bit for bit, as feeding a `RegimeDetector` bar by bar (a test holds them equal). With an
/// `IndicatorCache` the indicators are computed once per period and shared by every backtest over
/// the same bars.
public struct RegimeSeries: Sendable, Equatable {
    /// `regimes[i]` is the detector's regime after bar `i`.
    public let regimes: [Regime]
    /// The first bar after which the detector is warm (both EMAs and the ATR have values);
    /// the bar count when it never is.
    public let warmFrom: Int

    public init(bars: BarSeries, parameters: RegimeDetector.Parameters, indicators: IndicatorCache? = nil) {
        let count = bars.count
        let cache = indicators.flatMap { $0.isOf(bars) ? $0 : nil }
        // The detector's rules: nothing until both EMAs are warm; then sideways while the ADX is warm
        // and under the threshold, else the spread outside the hysteresis band decides.
        let emasWarm = max(parameters.emaFast, parameters.emaSlow) - 1
        let adxWarm = 2 * parameters.adxLength - 1
        let threshold = parameters.adxThreshold
        let rule = RegimeSpreadRule(hysteresisBps: parameters.hysteresisBps)
        @inline(__always) func after(_ regime: Regime, index: Int, fast: Double, slow: Double, adx: Double) -> Regime {
            guard index >= emasWarm else { return regime }
            if index >= adxWarm && adx < threshold { return .sideways }
            return rule.regime(after: regime, fast: fast, slow: slow)
        }
        warmFrom = min(count, max(parameters.emaFast, parameters.emaSlow, parameters.atrLength) - 1)
        regimes = [Regime](unsafeUninitializedCapacity: count) { output, initialized in
            var regime = Regime.sideways
            if let cache {
                // A study's trials share the EMA and ADX series.
                let adx = cache.adx(period: parameters.adxLength)
                let fast = cache.closeEMA(period: parameters.emaFast)
                let slow = cache.closeEMA(period: parameters.emaSlow)
                adx.withUnsafeBufferPointer { adx in
                    fast.withUnsafeBufferPointer { fast in
                        slow.withUnsafeBufferPointer { slow in
                            for index in 0..<count {
                                regime = after(regime, index: index, fast: fast[index], slow: slow[index], adx: adx[index])
                                (output.baseAddress! + index).initialize(to: regime)
                            }
                        }
                    }
                }
            } else {
                // One backtest: the EMAs and the ADX computed on the way, without their series: the
                // EMAs with `ExponentialMovingAverage.series`'s arithmetic (an SMA seed, then
                // value += smoothing * (close - value)), the ADX by `AverageDirectionalIndexPass`.
                var fast = (period: parameters.emaFast, smoothing: 2.0 / Double(parameters.emaFast + 1), seed: 0.0, value: 0.0)
                var slow = (period: parameters.emaSlow, smoothing: 2.0 / Double(parameters.emaSlow + 1), seed: 0.0, value: 0.0)
                @inline(__always) func update(_ ema: inout (period: Int, smoothing: Double, seed: Double, value: Double), _ index: Int, _ close: Double) {
                    if index < ema.period {
                        ema.seed += close
                        if index == ema.period - 1 { ema.value = ema.seed / Double(ema.period) }
                    } else {
                        ema.value += ema.smoothing * (close - ema.value)
                    }
                }
                var adx = AverageDirectionalIndexPass(period: parameters.adxLength)
                // Bars from `steady` on are past every warm-up: no phase to ask per bar.
                let steady = min(count, max(parameters.emaFast, parameters.emaSlow, 2 * parameters.adxLength))
                bars.withColumns { columns in
                    let (high, low, close) = (columns.high, columns.low, columns.close)
                    for index in 0..<steady {
                        update(&fast, index, close[index])
                        update(&slow, index, close[index])
                        let strength = adx.step(index, high: high, low: low)
                        regime = after(regime, index: index, fast: fast.value, slow: slow.value, adx: strength)
                        (output.baseAddress! + index).initialize(to: regime)
                    }
                    // Both EMAs as one two-lane vector, each lane the same arithmetic as above. (Left
                    // to itself, the compiler pairs values across the loop so that it runs about 12%
                    // slower, Swift 6.3.)
                    var emas = SIMD2(fast.value, slow.value)
                    let smoothing = SIMD2(fast.smoothing, slow.smoothing)
                    for index in steady..<count {
                        emas += smoothing * (SIMD2(repeating: close[index]) - emas)
                        let strength = adx.steadyStep(index, high: high, low: low)
                        regime = strength < threshold ? .sideways : rule.regime(after: regime, fast: emas[0], slow: emas[1])
                        (output.baseAddress! + index).initialize(to: regime)
                    }
                }
            }
            initialized = count
        }
    }
}
