import HedgeGridCore
import Testing

/// The whole-series regime pass gives exactly the detector's regimes, bar by bar.
@Suite struct RegimeSeriesTests {
    static let parameterSets: [RegimeDetector.Parameters] = [
        RegimeDetector.Parameters(),
        RegimeDetector.Parameters(emaFast: 2, emaSlow: 4, adxLength: 2, atrLength: 2, hysteresisBps: 5, adxThreshold: 0),
        RegimeDetector.Parameters(emaFast: 30, emaSlow: 8, adxLength: 40, atrLength: 90, hysteresisBps: 0, adxThreshold: 22),
        RegimeDetector.Parameters(emaFast: 5, emaSlow: 21, adxLength: 7, atrLength: 3, hysteresisBps: 12, adxThreshold: 15),
    ]

    @Test(arguments: parameterSets)
    func equalsTheDetectorBarByBar(parameters: RegimeDetector.Parameters) {
        let bars = BarSeries.randomWalk(count: 8_000, volatility: 0.004, seed: 7)
        let series = RegimeSeries(bars: bars, parameters: parameters)
        var detector = RegimeDetector(parameters: parameters)
        var firstWarm: Int?
        var mismatches = 0
        var trending = 0
        for index in 0..<bars.count {
            let regime = detector.update(high: bars.high[index], low: bars.low[index], close: bars.close[index])
            if regime != series.regimes[index] { mismatches += 1 }
            if regime != .sideways { trending += 1 }
            if firstWarm == nil, detector.isWarm { firstWarm = index }
        }
        #expect(mismatches == 0)
        #expect(series.warmFrom == firstWarm)
        // The walk is volatile enough that every parameter set sees trends, so the comparison means something.
        #expect(trending > 100)
    }

    @Test func aSeriesShorterThanTheWarmUpNeverWarms() {
        let bars = BarSeries.randomWalk(count: 10, seed: 3)
        let series = RegimeSeries(bars: bars, parameters: RegimeDetector.Parameters())
        #expect(series.warmFrom == 10)
        #expect(series.regimes == Array(repeating: .sideways, count: 10))
    }
}
