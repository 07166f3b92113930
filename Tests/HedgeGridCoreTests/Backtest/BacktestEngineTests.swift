import HedgeGridCore
import Testing

/// The simulator and the strategy on hand-built bars: each behaviour of spec sections 2 and 3.
@Suite struct BacktestEngineTests {
    static let start: Int64 = 1_704_067_200_000

    static func bars(_ rows: [(Double, Double, Double, Double)]) -> BarSeries {
        var series = BarSeries()
        for (index, row) in rows.enumerated() {
            series.append(openTime: start + Int64(index) * 60_000, open: row.0, high: row.1, low: row.2, close: row.3)
        }
        return series
    }

    /// A plain grid: one rung a side, 1% steps, no regime, no funding guard, no cap, no fees.
    static func plainParameters(levels: Int = 1) -> HedgeGridParameters {
        var parameters = HedgeGridParameters()
        parameters.gridStepBps = 100
        parameters.gridLevelsLong = levels
        parameters.gridLevelsShort = levels
        parameters.baseQuantity = 1
        parameters.quantityScale = 1
        parameters.takeProfitSteps = 1
        parameters.stopLossSteps = 2
        parameters.recenterTriggerBps = 10_000
        parameters.regimeEnabled = false
        parameters.fundingGuardEnabled = false
        parameters.positionCapEnabled = false
        return parameters
    }

    static let filters = InstrumentFilters(tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 0)

    static func exchange(balance: Double = 100_000, leverage: Double = 10, maker: Double = 0, taker: Double = 0) -> ExchangeSettings {
        ExchangeSettings(startingBalance: balance, leverage: leverage, makerFee: maker, takerFee: taker, maintenanceMarginRate: 0.004, filters: filters)
    }

    static func run(_ rows: [(Double, Double, Double, Double)], parameters: HedgeGridParameters = plainParameters(), exchange: ExchangeSettings = exchange(), funding: FundingSeries = FundingSeries()) -> BacktestResult {
        BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: true).run(bars: bars(rows), funding: funding)
    }

    @Test func aLevelFillsManyTimesAndEveryFillGetsItsExit() {
        let result = Self.run([
            (100, 100, 100, 100),      // centre 100: long 99, short 101
            (100, 100, 98.9, 99.5),    // long 99 fills; re-placed at the close
            (99.5, 99.6, 98.95, 99.2), // fills again at the same level
            (99.2, 100.2, 99.1, 100),  // both take profits (100) fill
        ])
        let entries = result.fills.filter { $0.reason == .entry }
        let takeProfits = result.fills.filter { $0.reason == .takeProfit }
        #expect(entries.map(\.price) == [99, 99])
        #expect(takeProfits.map(\.price) == [100, 100])
        #expect(result.roundTrips.count == 2)
        #expect(result.roundTrips.allSatisfy { $0.entryPrice == 99 && $0.exitPrice == 100 && $0.pnl == 1 })
        #expect(result.metrics.totalPnl == 2)
    }

    /// Orders found again after earlier fills in the same stretch of the path moved them: here the
    /// short's take profit goes first (the last exit takes its place), an entry fill then adds an exit
    /// where that last one was, and the stop that fills after them is still the right pair's.
    @Test func fillsInOnePathSegmentFindTheirOrdersAfterEarlierFillsMovedThem() {
        let result = Self.run([
            (100, 100, 100, 100),       // centre 100: longs 99, 98; shorts 101, 102
            (100, 101.05, 98.9, 99.8),  // high first: short 101 fills, then long 99: exits [short 101, long 99]
            (99.9, 99.9, 96.9, 97.5),   // down: short TP 100, entries 99 and 98, then the first long's stop 97
        ], parameters: Self.plainParameters(levels: 2))
        let secondBar = Self.start + 60_000
        #expect(result.fills.map(\.reason) == [.entry, .entry, .takeProfit, .entry, .entry, .stopLoss])
        let stopped = result.roundTrips.filter { $0.exitPrice == 97 }
        #expect(stopped.count == 1 && stopped.first?.entryTime == secondBar && stopped.first?.entryPrice == 99)
        #expect(result.roundTrips.contains { $0.side == .short && $0.entryTime == secondBar && $0.exitPrice == 100 })
    }

    /// More entries rest than the walk looks at in one go (64): a fall through all 150 long rungs
    /// fills every one, in price order, and a rise through the 150 short rungs does the same.
    @Test func aSegmentReachingMoreThan64EntriesFillsThemAllInPriceOrder() {
        var parameters = Self.plainParameters(levels: 150)
        parameters.gridStepBps = 10
        parameters.takeProfitSteps = 1_000
        parameters.stopLossEnabled = false
        let result = Self.run([
            (100, 100, 100, 100),     // centre 100: longs 99.9 down to 85, shorts 100.1 up to 115
            (100, 100, 84.5, 85),     // one fall through every long rung
            (85, 115.5, 85, 115),     // one rise through every short rung
        ], parameters: parameters)
        let longs = result.fills.filter { $0.reason == .entry && $0.side == .long }.map(\.price)
        let shorts = result.fills.filter { $0.reason == .entry && $0.side == .short }.map(\.price)
        #expect(longs.count == 150 && longs == longs.sorted(by: >) && longs.first == 99.9 && longs.last == 85)
        #expect(shorts.count == 150 && shorts == shorts.sorted() && shorts.first == 100.1 && shorts.last == 115)
    }

    /// Twelve fills of one rung leave twelve exits resting, more than the walk's first scratch memory
    /// holds (twice the rungs); the rise that reaches them all fills every take profit.
    @Test func aSegmentReachingMoreExitsThanTheScratchMemoryHeldFillsThemAll() {
        var parameters = Self.plainParameters()
        parameters.takeProfitSteps = 5
        parameters.stopLossEnabled = false
        var rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100)]  // long 99, short 101
        for _ in 0..<12 {
            rows.append((100, 100, 98.9, 99.5))  // the long at 99 fills; its take profit rests at 104
            rows.append((99.5, 100, 99.5, 100))  // mid back above 99: the long is placed again
        }
        rows.append((100, 104.5, 100, 104.2))  // the short at 101 fills, and every take profit at 104
        let result = Self.run(rows, parameters: parameters)
        #expect(result.fills.filter { $0.reason == .entry && $0.side == .long }.count == 12)
        let takeProfits = result.fills.filter { $0.reason == .takeProfit && $0.side == .long }
        #expect(takeProfits.count == 12 && takeProfits.allSatisfy { $0.price == 104 })
    }

    @Test func ordersDecidedAtACloseFillFromTheNextBarOnly() {
        // Bar 0's own low would reach 99, but the order is decided at its close.
        let result = Self.run([(100, 100, 98, 100), (100, 100, 99.5, 99.8)])
        #expect(result.fills.isEmpty)
    }

    @Test func takeProfitAndStopInOneBarFollowThePathRule() {
        let opening: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 98.9, 99.5)]
        // High nearer the open: open -> high -> low: the take profit (100) comes first.
        let highFirst = Self.run(opening + [(99.5, 100.5, 96.5, 98)])
        let exitsHigh = highFirst.fills.filter { $0.reason != .entry }
        #expect(exitsHigh.map(\.reason) == [.takeProfit])
        // Low nearer the open: open -> low -> high: the stop (97) comes first, the take profit is cancelled (OCO).
        let lowFirst = Self.run(opening + [(99.5, 102.5, 96.9, 101)])
        let exitsLow = lowFirst.fills.filter { $0.reason != .entry && $0.side == .long }
        #expect(exitsLow.map(\.reason) == [.stopLoss])
        #expect(exitsLow.first?.price == 97)
        #expect(lowFirst.roundTrips.first?.pnl == -2)
    }

    @Test func stopGappedThroughFillsAtTheOpen() {
        let result = Self.run([(100, 100, 100, 100), (100, 100, 98.9, 99.5), (96, 96.5, 95.5, 96)])
        let stop = result.fills.first { $0.reason == .stopLoss }
        #expect(stop?.price == 96)
        #expect(stop?.isMaker == false)
    }

    @Test func exitsCreatedByAFillRestFromTheNextBar() {
        // The entry at 99 fills in a bar that then rallies through its take profit (100): no exit this bar.
        let result = Self.run([(100, 100, 100, 100), (99.8, 100.5, 98.9, 100.4)])
        #expect(result.fills.map(\.reason) == [.entry])
    }

    @Test func shortSideMirrorsTheLongSide() {
        let result = Self.run([(100, 100, 100, 100), (100, 101.1, 100, 100.5), (100.5, 100.6, 99.8, 99.9)])
        #expect(result.fills.filter { $0.side == .short }.map(\.reason) == [.entry, .takeProfit])
        #expect(result.roundTrips.first?.side == .short)
        #expect(result.roundTrips.first?.pnl == 1)
    }

    @Test func feesAreMakerForLimitsAndTakerForStops() {
        let exchange = Self.exchange(maker: 0.0002, taker: 0.0005)
        let result = Self.run([(100, 100, 100, 100), (100, 100, 98.9, 99.5), (99.5, 102.5, 96.9, 101)], exchange: exchange)
        let entry = result.fills.first { $0.reason == .entry && $0.side == .long }!
        let stop = result.fills.first { $0.reason == .stopLoss }!
        #expect(abs(entry.fee - 99 * 0.0002) < 1e-12)
        #expect(abs(stop.fee - 97 * 0.0005) < 1e-12)
        #expect(abs(result.roundTrips[0].pnl - (-2 - 99 * 0.0002 - 97 * 0.0005)) < 1e-9)
    }

    @Test func postOnlyEntryThatWouldCrossIsRetriedFurtherAway() {
        // The long entry at 99 is decided at the close (100); the next bar opens at 98.995, below it,
        // so the post-only order would take liquidity: it moves one tick at a time until it rests.
        var parameters = Self.plainParameters()
        parameters.retryAttempts = 3
        parameters.retryTicks = 1
        let moved = Self.run([(100, 100, 100, 100), (98.995, 99, 98.9, 98.95)], parameters: parameters)
        #expect(moved.postOnlyRejections == 1)  // 99 crosses; one tick away, 98.99, rests below the open
        #expect(moved.fills.first { $0.reason == .entry }?.price == 98.99)
        // Opening far below: every retry still crosses, the order is rejected.
        let rejected = Self.run([(100, 100, 100, 100), (98.5, 98.6, 98.4, 98.5)], parameters: parameters)
        #expect(rejected.orders.contains { $0.kind == .rejectedPostOnly && $0.side == .long })
        #expect(!rejected.fills.contains { $0.reason == .entry && $0.side == .long })
    }

    @Test func positionCapSkipsEntriesBeyondTheCap() {
        var parameters = Self.plainParameters(levels: 3)
        parameters.positionCapEnabled = true
        parameters.maxPositionPct = 0.002  // 0.2% of 100,000 = 200: room for two rungs of ~99 a side
        let result = Self.run([(100, 100, 100, 100), (100, 100, 99.9, 100)], parameters: parameters)
        let placedLong = result.orders.filter { $0.kind == .placed && $0.side == .long }.map(\.level)
        #expect(placedLong == [1, 2])
    }

    @Test func crossMarginLiquidatesWhenEquityFallsUnderMaintenance() {
        var parameters = Self.plainParameters()
        parameters.baseQuantity = 10
        parameters.stopLossEnabled = false
        // 100 of cash, 10 long at 99 (leverage 10): equity 100 + 10 * (p - 99) < 10 * p * 0.004 below ~89.36.
        let result = Self.run(
            [(100, 100, 100, 100), (100, 100, 98.9, 99.5), (99.5, 99.5, 90, 90.5), (90.5, 90.5, 89, 89.5)],
            parameters: parameters, exchange: Self.exchange(balance: 100, leverage: 10))
        #expect(result.liquidations == 1)
        let liquidation = result.fills.first { $0.reason == .liquidation }
        #expect(liquidation?.price == 89)
        #expect(result.metrics.liquidations == 1)
        #expect(abs(result.equity.equity[2] - (100 + 10 * (90.5 - 99))) < 1e-9)
    }

    @Test func fundingIsPaidByLongsAndReceivedByShortsWhenTheRateIsPositive() {
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 98.9, 99.5), (99.5, 99.6, 99.4, 99.5), (99.5, 99.6, 99.4, 99.5)]
        let fundingTime = Self.start + 3 * 60_000  // settles at bar 3's open (99.5)
        let positive = Self.run(rows, funding: FundingSeries(times: [fundingTime], rates: [0.001]))
        #expect(abs(positive.metrics.fundingPaid - 99.5 * 0.001) < 1e-12)
        let negative = Self.run(rows, funding: FundingSeries(times: [fundingTime], rates: [-0.001]))
        #expect(abs(negative.metrics.fundingPaid + 99.5 * 0.001) < 1e-12)
        // A short position receives a positive rate.
        let shortRows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 101.1, 100, 100.5), (100.5, 100.6, 100.4, 100.5), (100.5, 100.6, 100.4, 100.5)]
        let short = Self.run(shortRows, funding: FundingSeries(times: [fundingTime], rates: [0.001]))
        #expect(abs(short.metrics.fundingPaid + 100.5 * 0.001) < 1e-12)
    }

    @Test func recenterKeepsExistingExits() {
        var parameters = Self.plainParameters()
        parameters.recenterTriggerBps = 150
        parameters.stopLossSteps = 10
        let result = Self.run([
            (100, 100, 100, 100), (100, 100, 98.9, 99.5),  // long fills at 99, TP 100
            (99.5, 99.5, 97, 97.5),                        // 2.5% below the centre: recenter to 97.5
            (97.5, 100.1, 97.5, 100),                      // the old take profit still fills
        ], parameters: parameters)
        #expect(result.fills.contains { $0.reason == .takeProfit && $0.price == 100 })
    }

    @Test func reduceOnlyExitsNeverOpenReverseExposure() {
        var parameters = HedgeGridParameters()
        parameters.baseQuantity = 1
        let bars = BarSeries.randomWalk(count: 6_000, volatility: 0.002, seed: 7)
        let result = BacktestEngine(parameters: parameters, exchange: Self.exchange(), recordEvents: true).run(bars: bars)
        #expect(result.fills.count > 100)
        var held: [PositionSide: Double] = [.long: 0, .short: 0]
        for fill in result.fills {
            let opening = fill.reason == .entry
            held[fill.side]! += opening ? fill.quantity : -fill.quantity
            #expect(held[fill.side]! >= -1e-9)
            // Long exits sell, short exits buy: an exit is never on the opening side.
            if !opening { #expect(fill.isBuy == (fill.side == .short)) }
        }
    }

    @Test func sameInputsGiveIdenticalOutputs() {
        let bars = BarSeries.randomWalk(count: 8_000, volatility: 0.002, seed: 3)
        let funding = FundingSeries(times: stride(from: bars.openTimes[0], to: bars.openTimes.last!, by: 8 * 3_600_000).map { $0 + 4 }, rates: Array(repeating: 0.0003, count: 17))
        let engine = BacktestEngine(parameters: HedgeGridParameters(), exchange: Self.exchange(maker: 0.0002, taker: 0.0005), recordEvents: true)
        let first = engine.run(bars: bars, funding: funding, startIndex: 100)
        let second = engine.run(bars: bars, funding: funding, startIndex: 100)
        #expect(first.fills == second.fills)
        #expect(first.orders == second.orders)
        #expect(first.equity == second.equity)
        #expect(first.metrics == second.metrics)
        #expect(first.fillCount > 0)
    }

    @Test func changingLaterBarsNeverChangesEarlierFillsOrOrders() {
        let bars = BarSeries.randomWalk(count: 6_000, volatility: 0.002, seed: 11)
        let engine = BacktestEngine(parameters: HedgeGridParameters(), exchange: Self.exchange(), recordEvents: true)
        let original = engine.run(bars: bars, startIndex: 100)
        for cut in [2_000, 4_321] {
            var altered = bars
            for index in (cut + 1)..<altered.count {
                altered.open[index] *= 1.3
                altered.high[index] *= 1.35
                altered.low[index] *= 1.25
                altered.close[index] *= 1.3
            }
            let changed = engine.run(bars: altered, startIndex: 100)
            let cutTime = bars.openTimes[cut]
            #expect(original.fills.filter { $0.time <= cutTime } == changed.fills.filter { $0.time <= cutTime })
            // Decisions at bar `cut`'s close are stamped with its close time and use only bars up to it.
            let known = bars.closeTime(cut)
            #expect(original.orders.filter { $0.time <= known } == changed.orders.filter { $0.time <= known })
            #expect(Array(original.equity.equity[..<(cut - 100 + 1)]) == Array(changed.equity.equity[..<(cut - 100 + 1)]))
        }
    }

    @Test func warmUpBarsTradeNothingAndTradingStartsAtTheStart() {
        let bars = BarSeries.randomWalk(count: 2_000, volatility: 0.003, seed: 5)
        let engine = BacktestEngine(parameters: HedgeGridParameters(), exchange: Self.exchange(), recordEvents: true)
        let result = engine.run(bars: bars, startIndex: 60)
        #expect(result.bars == 1_940)
        #expect(result.equity.times.count == 1_940)
        // Warm indicators from the warm-up: orders are placed at the first trading bar's close.
        #expect(result.orders.first?.time == bars.closeTime(60))
    }
}

/// The spec's fixes of the reference that need the whole engine to show.
@Suite struct BacktestEngineFixTests {
    @Test func fundingGuardRunsOnSimulationTimeAndShrinksThePayingSide() {
        // The reference's guard never ran. Here, with a costly positive rate known, the long entries
        // placed inside the window before the next settlement are scaled down; the short ones are not.
        var parameters = BacktestEngineTests.plainParameters(levels: 2)
        parameters.fundingGuardEnabled = true
        parameters.fundingWindowMinutes = 480
        parameters.fundingMaxCostBps = 5
        parameters.baseQuantity = 10
        let start = BacktestEngineTests.start
        let rows: [(Double, Double, Double, Double)] = Array(repeating: (100, 100.05, 99.95, 100), count: 600)
        let funding = FundingSeries(times: [start, start + 8 * 3_600_000], rates: [0.002, 0.002])
        let result = BacktestEngine(parameters: parameters, exchange: BacktestEngineTests.exchange(), recordEvents: true)
            .run(bars: BacktestEngineTests.bars(rows), funding: funding, startIndex: 1)
        let placed = result.orders.filter { $0.kind == .placed }
        // The settlement at `start` made 0.002 known; the next is 480 minutes after it.
        let firstLong = placed.first { $0.side == .long }
        let firstShort = placed.first { $0.side == .short }
        #expect(firstShort?.quantity == 10)
        #expect((firstLong?.quantity ?? 10) < 10)
        // Later in the window the long quantity keeps shrinking towards the settlement...
        let settlement = start + 8 * 3_600_000
        let beforeSettlement = placed.filter { $0.side == .long && $0.level == 1 && $0.time < settlement }.map(\.quantity)
        #expect(beforeSettlement.count > 2)
        #expect(beforeSettlement == beforeSettlement.sorted(by: >))
        // ...and after it, with no further settlement known, the full quantity returns.
        #expect(placed.last { $0.side == .long && $0.level == 1 }?.quantity == 10)
    }

    @Test func tradeThroughNeedsThePriceToPassTheLimit() {
        var exchange = BacktestEngineTests.exchange()
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 98.98, 99.5)]
        // Touching 99 (and 2 bps beyond) fills without trade-through...
        #expect(BacktestEngineTests.run(rows, exchange: exchange).fills.count == 1)
        // ...but not when the price must pass the limit by 5 bps (99 * 0.9995 = 98.9505).
        exchange.tradeThroughBps = 5
        #expect(BacktestEngineTests.run(rows, exchange: exchange).fills.isEmpty)
    }

    @Test func tradeThroughAppliesToTakeProfitsButNotToStops() {
        var exchange = BacktestEngineTests.exchange()
        exchange.tradeThroughBps = 5
        let rows: [(Double, Double, Double, Double)] = [
            (100, 100, 100, 100),          // long 99, short 101
            (100, 100, 98.9, 99.5),        // long 99 fills (98.9 <= 98.9505); its take profit 100, stop 97
            (99.5, 100.03, 99.4, 99.8),    // touches 100, short of 100.05: no take profit
            (99.8, 100.06, 99.7, 99.9),    // the long's take profit fills
            (99.9, 101.06, 99.9, 100.5),   // short 101 fills (101.06 >= 101.0505); its take profit 100
            (100.5, 100.5, 99.97, 100.2),  // touches 100, short of 99.95: no take profit
            (100.2, 100.2, 99.94, 100.1),  // the short's take profit fills
            (100.1, 100.1, 98.9, 99.2),    // long 99 fills again; stop 97
            (99.2, 99.2, 97, 97.5),        // the stop fills at 97 itself (the re-placed long at 99 fills first)
        ]
        let fills = BacktestEngineTests.run(rows, exchange: exchange).fills
        let minute = { (fill: Fill) in Int((fill.time - BacktestEngineTests.start) / 60_000) }
        let takeProfits = fills.filter { $0.reason == .takeProfit }
        #expect(takeProfits.map(minute) == [3, 6])
        #expect(takeProfits.map(\.side) == [.long, .short])
        #expect(takeProfits.allSatisfy { $0.price == 100 })
        let stops = fills.filter { $0.reason == .stopLoss }
        #expect(stops.map(minute) == [8])
        #expect(stops.map(\.price) == [97])
    }

    @Test func sharpeIsNotClippedAndUsesDailyEquity() throws {
        // A steady climb: the daily Sharpe is far above the reference's clip at 3.
        var curve = EquityCurve(startTime: 0, initialEquity: 1000)
        var equity = 1000.0
        for day in 1...60 {
            equity *= day % 2 == 0 ? 1.011 : 1.009
            curve.append(time: Int64(day) * EquityCurve.millisecondsPerDay, equity: equity)
        }
        let metrics = PerformanceMetrics.compute(curve: curve, roundTrips: [], activity: .init())
        #expect(try #require(metrics.sharpe) > 100)
    }
}

/// Fills from trades instead of the bar path.
@Suite struct TradeFillTests {
    static let start = BacktestEngineTests.start

    @Test func tradesDecideTheOrderInsideABar() {
        // Bar 2's OHLC rule says high first (take profit); its trades go down to the stop first.
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 98.9, 99.5), (99.5, 100.5, 96.5, 98)]
        let bar2 = Self.start + 120_000
        var trades = TradeSeries()
        for (offset, price) in [99.5, 98.0, 96.9, 96.5, 99.0, 100.5, 98.0].enumerated() {
            trades.append(time: bar2 + Int64(offset) * 1_000, price: price)
        }
        let engine = BacktestEngine(parameters: BacktestEngineTests.plainParameters(), exchange: BacktestEngineTests.exchange(), recordEvents: true)
        let withTrades = engine.run(bars: BacktestEngineTests.bars(rows), trades: trades)
        let withoutTrades = engine.run(bars: BacktestEngineTests.bars(rows))
        #expect(withoutTrades.fills.filter { $0.side == .long && $0.reason != .entry }.map(\.reason) == [.takeProfit])
        #expect(withTrades.fills.filter { $0.side == .long && $0.reason != .entry }.map(\.reason) == [.stopLoss])
        // Bar 1 lies before the trades: its entry filled from the bar path.
        #expect(withTrades.fills.first?.reason == .entry)
    }

    @Test func aBarWithoutTradesInsideTheirSpanFillsNothing() {
        // Bar 1 reaches the long entry (99) by its OHLC, but its only trades stay above it.
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 98.9, 99.5), (99.5, 99.6, 99.4, 99.5)]
        let trades = TradeSeries(times: [Self.start + 60_000, Self.start + 61_000, Self.start + 125_000], prices: [99.8, 99.5, 99.5])
        let engine = BacktestEngine(parameters: BacktestEngineTests.plainParameters(), exchange: BacktestEngineTests.exchange(), recordEvents: true)
        #expect(engine.run(bars: BacktestEngineTests.bars(rows), trades: trades).fills.isEmpty)
        #expect(engine.run(bars: BacktestEngineTests.bars(rows)).fills.count == 1)
    }

    @Test func everyLimitATradeRunPassesFills() {
        // Three long rungs (99, 98, 97); one falling run of trades crosses them all in one bar.
        let rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 96.5, 97)]
        let times = (0..<5).map { Self.start + 60_000 + Int64($0) * 500 }
        let trades = TradeSeries(times: times, prices: [99.9, 99.2, 98.4, 97.6, 96.9])
        let engine = BacktestEngine(parameters: BacktestEngineTests.plainParameters(levels: 3), exchange: BacktestEngineTests.exchange(), recordEvents: true)
        let result = engine.run(bars: BacktestEngineTests.bars(rows), trades: trades)
        #expect(result.fills.map(\.price) == [99, 98, 97])
    }
}

/// Risk gates: drawdown protection and the circuit breaker.
@Suite struct RiskGateTests {
    @Test func drawdownGateCancelsEntriesAndKeepsExits() {
        var parameters = BacktestEngineTests.plainParameters(levels: 3)
        parameters.baseQuantity = 100
        parameters.stopLossSteps = 20
        parameters.riskLimits = RiskLimits(maxDrawdownPct: 1)
        // 10,000 of equity; three long rungs fill on the way down to 96.5; the loss passes 1%.
        let rows: [(Double, Double, Double, Double)] = [
            (100, 100, 100, 100), (100, 100, 96.5, 97), (97, 97.2, 96.9, 97), (97, 101.5, 97, 101), (101, 101, 98, 98),
        ]
        let result = BacktestEngineTests.run(rows, parameters: parameters, exchange: BacktestEngineTests.exchange(balance: 10_000))
        #expect(result.riskHalts == 1)
        // After bar 1 no entry is placed again, but the exits still take profit at 100, 99 and 98.
        #expect(!result.orders.contains { $0.kind == .placed && $0.time > BacktestEngineTests.start + 60_000 })
        #expect(result.fills.filter { $0.reason == .takeProfit }.count == 3)
        #expect(result.fills.filter { $0.reason == .entry }.count == 3)
    }

    @Test func circuitBreakerPausesEntriesForItsCooldown() {
        var parameters = BacktestEngineTests.plainParameters()
        parameters.riskLimits = RiskLimits(circuitBreakerMovePct: 3, circuitBreakerWindowMinutes: 2, circuitBreakerCooldownMinutes: 3)
        var rows: [(Double, Double, Double, Double)] = [(100, 100, 100, 100), (100, 100, 99.5, 99.8), (99.8, 99.9, 95, 95.5)]
        rows += Array(repeating: (95.5, 95.6, 95.4, 95.5), count: 6)
        let result = BacktestEngineTests.run(rows, parameters: parameters)
        #expect(result.riskHalts == 1)
        let bar2Close = BacktestEngineTests.start + 2 * 60_000 + 59_999
        let placedAfter = result.orders.filter { $0.kind == .placed && $0.time > bar2Close }.map(\.time)
        // Closed at bar 2's close for 3 minutes: orders come back at the first close after that.
        #expect(placedAfter.first == bar2Close + 3 * 60_000)
    }
}
