import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// Whole-series indicators equal the streaming ones bit for bit, and the cache serves only its own bars.
@Suite struct IndicatorCacheTests {
    let bars = BarSeries.randomWalk(count: 5_000, volatility: 0.003, seed: 11)

    @Test(arguments: [1, 2, 10, 30, 200])
    func emaSeriesEqualsStreaming(period: Int) {
        let series = ExponentialMovingAverage.series(bars.close, period: period)
        var streaming = ExponentialMovingAverage(period: period)
        var compared = 0
        var mismatches = 0
        for (index, close) in bars.close.enumerated() {
            streaming.update(close)
            guard streaming.isWarm else { continue }
            compared += 1
            if series[index].bitPattern != streaming.value.bitPattern { mismatches += 1 }
        }
        #expect(compared == bars.count - period + 1)
        #expect(mismatches == 0)
    }

    @Test(arguments: [1, 3, 14, 50])
    func adxSeriesEqualsStreaming(period: Int) {
        let series = AverageDirectionalIndex.series(high: bars.high, low: bars.low, close: bars.close, period: period)
        var streaming = AverageDirectionalIndex(period: period)
        var warm = 0
        var mismatches = 0
        for index in 0..<bars.count {
            streaming.update(high: bars.high[index], low: bars.low[index], close: bars.close[index])
            guard streaming.isWarm else { continue }
            warm += 1
            if series[index].bitPattern != streaming.value.bitPattern { mismatches += 1 }
        }
        #expect(warm == bars.count - (2 * period - 1))
        #expect(mismatches == 0)
    }

    @Test func shortSeriesAndLongPeriodsEqualStreaming() {
        for count in [0, 1, 2, 3, 5, 8] {
            let few = BarSeries.randomWalk(count: count, seed: 5)
            for period in [1, 2, 3, 4, 9] {
                let series = AverageDirectionalIndex.series(high: few.high, low: few.low, close: few.close, period: period)
                #expect(series.count == count)
                var streaming = AverageDirectionalIndex(period: period)
                for index in 0..<count {
                    streaming.update(high: few.high[index], low: few.low[index], close: few.close[index])
                    #expect(series[index].bitPattern == (streaming.isWarm ? streaming.value : 0).bitPattern, "count \(count) period \(period) bar \(index)")
                }
                #expect(ExponentialMovingAverage.series(few.close, period: period).count == count)
            }
        }
    }

    @Test func regimesFromTheCacheEqualFreshOnes() {
        let cache = IndicatorCache(bars: bars)
        for parameters in RegimeSeriesTests.parameterSets {
            #expect(RegimeSeries(bars: bars, parameters: parameters, indicators: cache) == RegimeSeries(bars: bars, parameters: parameters))
        }
        // Asked twice, a period's series is the same.
        #expect(cache.closeEMA(period: 10) == cache.closeEMA(period: 10))
    }

    @Test func aCacheOfOtherBarsIsNotUsed() {
        let other = BarSeries.randomWalk(count: 5_000, volatility: 0.003, seed: 12)
        let wrong = IndicatorCache(bars: other)
        #expect(!wrong.isOf(bars))
        let parameters = RegimeDetector.Parameters(emaFast: 5, emaSlow: 21, adxLength: 7, atrLength: 3, hysteresisBps: 12, adxThreshold: 15)
        #expect(RegimeSeries(bars: bars, parameters: parameters, indicators: wrong) == RegimeSeries(bars: bars, parameters: parameters))
    }

    @Test func aBacktestOverTheCacheEqualsAColdOne() async {
        var parameters = HedgeGridParameters()
        parameters.baseQuantity = 1
        let exchange = ExchangeSettings(
            startingBalance: 10_000, leverage: 5, makerFee: 0.0002, takerFee: 0.0005,
            filters: InstrumentFilters(tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 5))
        let engine = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: true)
        let bars = self.bars
        let (cold, cached) = await offThePool {
            (engine.run(bars: bars, startIndex: 100), engine.run(bars: bars, startIndex: 100, indicators: IndicatorCache(bars: bars)))
        }
        #expect(cold.fillCount > 0)
        #expect(cold.fingerprint == cached.fingerprint)
    }
}
