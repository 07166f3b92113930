@testable import HedgeGridCore
import HedgeGridTestSupport
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

/// The spread rule asked without its division answers as the formula does, also at the band's edge.
@Suite struct RegimeSpreadRuleTests {
    /// The detector's formula, as written in the spec.
    static func formula(_ regime: Regime, fast: Double, slow: Double, hysteresis: Double) -> Regime {
        let spread = slow != 0 ? (fast - slow) / slow * 1e4 : 0
        return abs(spread) < hysteresis ? regime : (spread > 0 ? .up : .down)
    }

    @Test func answersAsTheFormulaDoesNearAndFarFromTheEdge() {
        var random = SeededUniform(seed: 3)
        func uniform() -> Double { random.next() }
        var atTheEdge = 0
        for _ in 0..<50_000 {
            let slow = 0.001 + uniform() * 50_000
            let hysteresis = [0.0, 1e-7, 0.5, 35, 120][Int(uniform() * 5)]
            // Spreads from far inside to far outside the band, many within a few ulps of its edge.
            let sign = uniform() < 0.5 ? -1.0 : 1.0
            let relative = uniform() < 0.5 ? (1 + (uniform() - 0.5) * 1e-13) : uniform() * 3
            let fast = slow * (1 + sign * hysteresis / 1e4 * relative)
            if abs(relative - 1) < 1e-12 && hysteresis > 1 { atTheEdge += 1 }
            for previous in [Regime.sideways, .up, .down] {
                let expected = Self.formula(previous, fast: fast, slow: slow, hysteresis: hysteresis)
                #expect(RegimeSpreadRule(hysteresisBps: hysteresis).regime(after: previous, fast: fast, slow: slow) == expected, "fast \(fast) slow \(slow) band \(hysteresis)")
            }
        }
        #expect(atTheEdge > 5_000)
        // A zero slow EMA has a zero spread; equal EMAs sit inside any positive band.
        #expect(RegimeSpreadRule(hysteresisBps: 35).regime(after: .up, fast: 3, slow: 0) == .up)
        #expect(RegimeSpreadRule(hysteresisBps: 0).regime(after: .down, fast: 0, slow: 0) == .down)
        #expect(RegimeSpreadRule(hysteresisBps: 35).regime(after: .up, fast: 5, slow: 5) == .up)
    }
}
