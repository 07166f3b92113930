/// The regime after every bar's close, worked out for a whole series in one pass: the same
/// regimes, bit for bit, as feeding a `RegimeDetector` bar by bar (a test holds them equal), at a
/// fraction of the cost, because the indicators' state stays in registers for the whole loop.
public struct RegimeSeries: Sendable, Equatable {
    /// `regimes[i]` is the detector's regime after bar `i`.
    public let regimes: [Regime]
    /// The first bar after which the detector is warm (both EMAs and the ATR have values);
    /// the bar count when it never is.
    public let warmFrom: Int

    public init(bars: BarSeries, parameters: RegimeDetector.Parameters) {
        let count = bars.count
        let fastPeriod = parameters.emaFast
        let slowPeriod = parameters.emaSlow
        let adxPeriod = parameters.adxLength
        let threshold = parameters.adxThreshold
        let hysteresis = parameters.hysteresisBps
        // Same constants and the same order of operations as the streaming indicators.
        let fastSmoothing = 2.0 / Double(fastPeriod + 1)
        let slowSmoothing = 2.0 / Double(slowPeriod + 1)
        let adxKeep = 1 - 1 / Double(adxPeriod)
        let adxReciprocal = 1 / Double(adxPeriod)
        warmFrom = min(count, max(fastPeriod, slowPeriod, parameters.atrLength) - 1)
        regimes = [Regime](unsafeUninitializedCapacity: count) { output, initialized in
            bars.high.withUnsafeBufferPointer { high in
                bars.low.withUnsafeBufferPointer { low in
                    bars.close.withUnsafeBufferPointer { close in
                        var regime = Regime.sideways
                        var fast = 0.0
                        var slow = 0.0
                        var fastSeed = 0.0
                        var slowSeed = 0.0
                        var smoothedRange = 0.0
                        var smoothedPlus = 0.0
                        var smoothedMinus = 0.0
                        var dxSum = 0.0
                        var adx = 0.0
                        for index in 0..<count {
                            let price = close[index]
                            // EMAs: seeded with the mean of the first n closes.
                            if index < fastPeriod {
                                fastSeed += price
                                if index == fastPeriod - 1 { fast = fastSeed / Double(fastPeriod) }
                            } else {
                                fast += fastSmoothing * (price - fast)
                            }
                            if index < slowPeriod {
                                slowSeed += price
                                if index == slowPeriod - 1 { slow = slowSeed / Double(slowPeriod) }
                            } else {
                                slow += slowSmoothing * (price - slow)
                            }
                            // ADX (Wilder): movements from the second bar, DX from bar n, ADX warm at bar 2n - 1.
                            if index > 0 {
                                let up = high[index] - high[index - 1]
                                let down = low[index - 1] - low[index]
                                let plusMove = up > down && up > 0 ? up : 0
                                let minusMove = down > up && down > 0 ? down : 0
                                let range = AverageTrueRange.trueRange(high: high[index], low: low[index], previousClose: close[index - 1])
                                if index <= adxPeriod {
                                    smoothedRange += range
                                    smoothedPlus += plusMove
                                    smoothedMinus += minusMove
                                } else {
                                    smoothedRange = smoothedRange * adxKeep + range
                                    smoothedPlus = smoothedPlus * adxKeep + plusMove
                                    smoothedMinus = smoothedMinus * adxKeep + minusMove
                                }
                                if index >= adxPeriod {
                                    let total = smoothedPlus + smoothedMinus
                                    let dx = total > 0 && smoothedRange > 0 ? 100 * abs(smoothedPlus - smoothedMinus) / total : 0
                                    if index < 2 * adxPeriod {
                                        dxSum += dx
                                        if index == 2 * adxPeriod - 1 { adx = dxSum / Double(adxPeriod) }
                                    } else {
                                        adx = adx * adxKeep + dx * adxReciprocal
                                    }
                                }
                            }
                            // The detector: sideways while the ADX is warm and weak, else the spread outside the band decides.
                            if index >= fastPeriod - 1 && index >= slowPeriod - 1 {
                                if index >= 2 * adxPeriod - 1 && adx < threshold {
                                    regime = .sideways
                                } else {
                                    let spread = slow != 0 ? (fast - slow) / slow * 1e4 : 0
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
