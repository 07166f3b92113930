import HedgeGridCore
import Testing

/// Regime transitions, hysteresis and the ADX gate.
@Suite struct RegimeDetectorTests {
    func feed(_ detector: inout RegimeDetector, closes: [Double]) -> [Regime] {
        closes.map { detector.update(high: $0 * 1.001, low: $0 * 0.999, close: $0) }
    }

    /// No ADX gate (threshold 0), short EMAs.
    var parameters: RegimeDetector.Parameters {
        RegimeDetector.Parameters(emaFast: 2, emaSlow: 4, adxLength: 2, atrLength: 2, hysteresisBps: 50, adxThreshold: 0)
    }

    @Test func startsSidewaysAndFollowsATrendBothWays() {
        var detector = RegimeDetector(parameters: parameters)
        #expect(detector.regime == .sideways)
        let rising = feed(&detector, closes: (0..<10).map { 100 * (1 + 0.01 * Double($0)) })
        #expect(rising.last == .up)
        let falling = feed(&detector, closes: (0..<12).map { 109 * (1 - 0.01 * Double($0)) })
        #expect(falling.last == .down)
    }

    @Test func insideTheHysteresisBandThePreviousRegimeHolds() {
        var detector = RegimeDetector(parameters: parameters)
        _ = feed(&detector, closes: (0..<10).map { 100 * (1 + 0.01 * Double($0)) })
        #expect(detector.regime == .up)
        // Flat prices pull the spread towards zero; until it is inside ±50 bps the regime is up,
        // and inside the band it stays up rather than flipping.
        var sawInsideBand = false
        for _ in 0..<20 {
            detector.update(high: 109.1, low: 108.9, close: 109)
            if abs(detector.spreadBps) < 50 {
                sawInsideBand = true
                #expect(detector.regime == .up)
            }
        }
        #expect(sawInsideBand)
    }

    @Test func weakADXMeansSideways() {
        var gated = parameters
        gated.adxThreshold = 101  // ADX never reaches it
        var detector = RegimeDetector(parameters: gated)
        let regimes = feed(&detector, closes: (0..<10).map { 100 * (1 + 0.01 * Double($0)) })
        // Before the ADX is warm (2n = 4 bars) the EMA spread decides; afterwards the gate forces sideways.
        #expect(detector.adx.isWarm)
        #expect(regimes.last == .sideways)
    }

    @Test func warmUpCoversTheSlowestIndicator() {
        #expect(RegimeDetector.Parameters(emaFast: 10, emaSlow: 30, adxLength: 14, atrLength: 14).warmUpBars == 30)
        #expect(RegimeDetector.Parameters(emaFast: 5, emaSlow: 20, adxLength: 30, atrLength: 7).warmUpBars == 60)
    }
}
