import HedgeGridCore
import Testing

/// EMA, ATR and ADX against hand-computed values and an independent batch formula.
@Suite struct IndicatorTests {
    /// A deterministic random walk of bars (linear congruential generator, fixed seed).
    static func bars(count: Int, seed: UInt64 = 42) -> [(high: Double, low: Double, close: Double)] {
        var state = seed
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var close = 100.0
        var result: [(Double, Double, Double)] = []
        for _ in 0..<count {
            let open = close
            close = open * (1 + (next() - 0.5) * 0.02)
            let high = max(open, close) * (1 + next() * 0.005)
            let low = min(open, close) * (1 - next() * 0.005)
            result.append((high, low, close))
        }
        return result.map { (high: $0.0, low: $0.1, close: $0.2) }
    }

    @Test func emaHandComputed() {
        var ema = ExponentialMovingAverage(period: 3)
        #expect(ema.update(1) == nil)
        #expect(ema.update(2) == nil)
        #expect(ema.update(3) == 2)  // seed: mean of 1, 2, 3
        #expect(ema.update(4) == 3)  // k = 0.5
        #expect(ema.update(5) == 4)
        #expect(ema.update(1) == 2.5)
    }

    @Test func emaMatchesBatchFormula() {
        let closes = Self.bars(count: 300).map(\.close)
        let period = 10
        var ema = ExponentialMovingAverage(period: period)
        var last: Double?
        for close in closes { last = ema.update(close) }
        // Batch: SMA seed, then the recursive weights written out as a sum.
        let k = 2.0 / Double(period + 1)
        let seed = closes[0..<period].reduce(0, +) / Double(period)
        let tail = Array(closes[period...])
        var expected = seed * pow1(1 - k, tail.count)
        for (index, value) in tail.enumerated() {
            expected += k * value * pow1(1 - k, tail.count - 1 - index)
        }
        #expect(abs((last ?? 0) - expected) < 1e-9)
    }

    @Test func atrHandComputed() {
        var atr = AverageTrueRange(period: 2)
        #expect(atr.update(high: 10, low: 8, close: 9) == nil)  // TR 2
        #expect(atr.update(high: 12, low: 9, close: 11) == 2.5)  // TR max(3, 3, 0) = 3; seed (2 + 3) / 2
        // TR max(1, |10.5 - 11|, |9.5 - 11|) = 1.5; Wilder (2.5 * 1 + 1.5) / 2
        #expect(atr.update(high: 10.5, low: 9.5, close: 10) == 2.0)
    }

    /// Each of the three terms is the true range when it is the largest: the bar's own range, the
    /// gap up from the last close, the gap down from it; and the bar's range with no last close.
    @Test func trueRangeTakesTheLargestOfItsThreeTerms() {
        #expect(AverageTrueRange.trueRange(high: 12, low: 8, previousClose: 10) == 4)
        #expect(AverageTrueRange.trueRange(high: 15, low: 14, previousClose: 10) == 5)
        #expect(AverageTrueRange.trueRange(high: 7, low: 4, previousClose: 10) == 6)
        #expect(AverageTrueRange.trueRange(high: 7, low: 4, previousClose: nil) == 3)
    }

    @Test(arguments: [3, 7, 14])
    func adxMatchesBatchFormulaAndWarmsAfterTwoPeriods(period: Int) {
        let bars = Self.bars(count: 250, seed: UInt64(period))
        var adx = AverageDirectionalIndex(period: period)
        var firstWarmBar: Int?
        var values: [Double] = []
        for (index, bar) in bars.enumerated() {
            if let value = adx.update(high: bar.high, low: bar.low, close: bar.close) {
                if firstWarmBar == nil { firstWarmBar = index + 1 }
                values.append(value)
            }
        }
        #expect(firstWarmBar == 2 * period)
        let expected = Self.batchADX(bars, period: period)
        #expect(values.count == expected.count)
        for (got, want) in zip(values, expected) {
            #expect(abs(got - want) < 1e-9)
        }
    }

    /// DX leaves the true range out (it cancels from the ratio), and with it the test that its Wilder
    /// sum is positive: for bars whose close lies within their range, the true range is at least the
    /// bar's +DM and -DM, and the sums (in the ADX's arithmetic: plain sums of the first n, then
    /// s * (1 - 1/n) + x) keep that order, so the sum of the true ranges is positive whenever the
    /// DMs' is. Checked over walks with flat stretches and closes at the very high or low.
    @Test(arguments: [1, 2, 14, 30])
    func trueRangeSumIsPositiveWheneverTheMovementSumsAre(period: Int) {
        var state = UInt64(period) &* 977
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let keep = 1 - 1 / Double(period)
        var (sumRange, sumPlus, sumMinus) = (0.0, 0.0, 0.0)
        var previous = (high: 2.5, low: 2.5, close: 2.5)
        var checked = 0
        for bar in 1...20_000 {
            let open = previous.close
            // Flat stretches (no movement at all), and moves that end at the high or the low.
            let flat = (bar / 500) % 3 == 0
            let close = flat ? open : max(0.001, open * (1 + (next() - 0.5) * 0.01))
            let (extremeUp, extremeDown) = flat ? (0.0, 0.0) : (next() < 0.3 ? 0 : next() * 0.004, next() < 0.3 ? 0 : next() * 0.004)
            let high = max(open, close) * (1 + extremeUp)
            let low = min(open, close) * (1 - extremeDown)
            let up = high - previous.high
            let down = previous.low - low
            let plus = up > down && up > 0 ? up : 0
            let minus = down > up && down > 0 ? down : 0
            let range = AverageTrueRange.trueRange(high: high, low: low, previousClose: previous.close)
            #expect(range >= plus && range >= minus)
            if bar <= period {
                (sumRange, sumPlus, sumMinus) = (sumRange + range, sumPlus + plus, sumMinus + minus)
            } else {
                (sumRange, sumPlus, sumMinus) = (sumRange * keep + range, sumPlus * keep + plus, sumMinus * keep + minus)
            }
            #expect(sumRange >= sumPlus && sumRange >= sumMinus)
            if sumPlus + sumMinus > 0 {
                #expect(sumRange > 0)
                checked += 1
            }
            previous = (high, low, close)
        }
        #expect(checked > 10_000)
    }

    /// Wilder's ADX written as arrays, independently of the streaming type.
    static func batchADX(_ bars: [(high: Double, low: Double, close: Double)], period n: Int) -> [Double] {
        var tr: [Double] = [], plus: [Double] = [], minus: [Double] = []
        for i in 1..<bars.count {
            let up = bars[i].high - bars[i - 1].high
            let down = bars[i - 1].low - bars[i].low
            plus.append(up > down && up > 0 ? up : 0)
            minus.append(down > up && down > 0 ? down : 0)
            tr.append(max(bars[i].high - bars[i].low, abs(bars[i].high - bars[i - 1].close), abs(bars[i].low - bars[i - 1].close)))
        }
        func wilderSums(_ x: [Double]) -> [Double] {
            var sums = [x[0..<n].reduce(0, +)]
            for i in n..<x.count { sums.append(sums.last! - sums.last! / Double(n) + x[i]) }
            return sums
        }
        let str = wilderSums(tr), sp = wilderSums(plus), sm = wilderSums(minus)
        let dx: [Double] = (0..<str.count).map { i in
            let pdi = 100 * sp[i] / str[i], mdi = 100 * sm[i] / str[i]
            return pdi + mdi > 0 ? 100 * abs(pdi - mdi) / (pdi + mdi) : 0
        }
        guard dx.count >= n else { return [] }
        var adx = [dx[0..<n].reduce(0, +) / Double(n)]
        for i in n..<dx.count { adx.append((adx.last! * Double(n - 1) + dx[i]) / Double(n)) }
        return adx
    }

    static func pow1(_ base: Double, _ exponent: Int) -> Double {
        (0..<exponent).reduce(1.0) { product, _ in product * base }
    }

    func pow1(_ base: Double, _ exponent: Int) -> Double { Self.pow1(base, exponent) }
}
