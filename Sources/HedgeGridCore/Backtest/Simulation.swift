/// The mutable state of one backtest run. Internal: `BacktestEngine.run` is the interface.
struct Simulation {
    struct Entry: BitwiseCopyable {
        var id: Int64
        var side: PositionSide
        var level: Int
        var price: Double
        var quantity: Double
        /// The grid step of the centre the entry was placed at; its exits are measured in it.
        var step: Double
        var activeFrom: Int
    }

    /// A take profit and an optional stop for one entry fill, cancelling each other (OCO).
    struct ExitPair: BitwiseCopyable {
        var id: Int64
        var side: PositionSide
        var quantity: Double
        var entryPrice: Double
        var entryTime: Int64
        var entryFee: Double
        var takeProfit: Double
        var stop: Double?
        var activeFrom: Int
        /// Where a falling segment's end reaches this pair (a long's stop, a short's take profit less
        /// the trade-through), and a rising one's (a long's take profit plus the trade-through, a
        /// short's stop); NaN, never reached, for a missing stop.
        var fallingReach: Double
        var risingReach: Double
    }

    let engine: BacktestEngine
    let parameters: HedgeGridParameters
    let exchange: ExchangeSettings
    /// A buy limit fills once the price reaches its price times `fallingReachFactor` (1 less the
    /// config's trade-through, as a fraction), a sell limit times `risingReachFactor` (1 plus it):
    /// worked out once, as every walk and entry fill reads them.
    let fallingReachFactor: Double
    let risingReachFactor: Double
    let filters: InstrumentFilters
    /// The bars, as plain memory for the length of the run.
    let columns: BarColumns
    let funding: FundingSeries
    let trades: TradeSeries
    let startIndex: Int
    /// The next trade not yet walked.
    var tradeIndex = 0
    /// Reused turning points of a bar's trade path.
    var tradePath: [Double] = []

    /// The regime after each bar (a `RegimeSeries`' memory, worked out for the whole series up
    /// front); nil without regime detection.
    let regimeAfter: UnsafePointer<Regime>?
    /// The first bar after which the strategy trades: the regime detector's warm-up, or 0
    /// without regime detection.
    let tradingFrom: Int
    var center: Double?
    /// The resting entries and exit pairs (their memory freed by `deallocateOrders()`).
    let entries = OrderList<Entry>()
    let exits = OrderList<ExitPair>()
    var long = SidePosition()
    var short = SidePosition()
    var balance: Double
    var nextOrderID: Int64 = 1
    var fundingIndex = 0
    /// The time of funding settlement `fundingIndex` (Int64.max past the last): read on every
    /// eventful bar, so kept here rather than looked up.
    var nextFundingTime = Int64.max
    var lastKnownFundingRate = 0.0
    var fundingGuardCheckedIndex = -1
    var fundingGuardActive = false

    var curve: EquityCurve
    var statistics: EquityStatistics
    /// Every round trip, kept when events are recorded; the metrics' share of them always.
    var roundTrips: [RoundTrip] = []
    var roundTripStatistics = RoundTripStatistics()
    var fills: [Fill] = []
    var orders: [OrderEvent] = []
    var activity = PerformanceMetrics.Activity()
    var fillCount = 0
    var liquidations = 0
    var droppedRungs = 0
    var postOnlyRejections = 0

    /// Cached trigger bounds: nothing can fill in a bar that stays above `highestDownTrigger`
    /// and below `lowestUpTrigger`.
    /// The ladder is rebuilt only when what it depends on changes (centre, regime, funding scales).
    struct LadderKey: Equatable {
        var center: Double
        var regime: Regime
        var longScale: Double
        var shortScale: Double
    }

    var ladderKey: LadderKey?
    var ladder = GridLadder(center: 1, stepBps: 1, levelsLong: 0, levelsShort: 0, baseQuantity: 0, quantityScale: 1, filters: InstrumentFilters(tickSize: 1, stepSize: 1, minQty: 0, minNotional: 0))
    /// Entries placed at the last close wait for the post-only check at the next open.
    var entriesAwaitingPostOnly = false
    /// The highest long and the lowest short price placed since the last post-only check (entries
    /// cancelled since included): an open above the one and below the other crosses no waiting entry.
    var awaitingLongHighest = -Double.infinity
    var awaitingShortLowest = Double.infinity
    /// Scratch memory of the decisions (selections, wanted rungs, level lookups), owned by the caller.
    let selectionBuffers: SelectionBuffers

    var highestDownTrigger = -Double.infinity
    var lowestUpTrigger = Double.infinity
    /// The resting entries' nearest prices while `boundsDirty` is off: the nearest exact; the second
    /// exact, or equal to the nearest after a fill of the nearest alone (see `walk`), which only
    /// makes the shortcut rarer.
    var entryEdges = EntryEdges()
    var boundsDirty = true
    /// The exits' share of the bounds (the highest `fallingReach`, the lowest `risingReach`),
    /// recomputed only when the exits change (there can be many).
    var exitDownTrigger = -Double.infinity
    var exitUpTrigger = Double.infinity
    var exitBoundsDirty = true

    /// The last decision stays right while nothing it depends on moves: no fill or order change
    /// (`decisionValid`), the same ladder, mid between the same rung prices, and no cap binding.
    var decisionValid = false
    /// The resting entries are the rungs of the last reconciled selection (`SelectionBuffers.previous`,
    /// on the current ladder), less the ones that filled since (marked in `SelectionBuffers`).
    var entriesAreLastReconciled = false
    /// Risk gates: the equity peak, and until when new entries are blocked (simulation time, ms).
    var equityPeak: Double
    var gateClosedUntil = Int64.min
    var riskHalts = 0
    var midBandLow = Double.infinity
    var midBandHigh = -Double.infinity
    var allRungsIncluded = false
    var desiredLongNotional = 0.0
    var desiredShortNotional = 0.0

    /// `columns`, `regimeAfter` and `selectionBuffers` (sized for the engine's ladder) must stay valid for the simulation's life.
    init(
        engine: BacktestEngine, columns: BarColumns, regimeAfter: UnsafePointer<Regime>?, tradingFrom: Int, funding: FundingSeries,
        trades: TradeSeries, startIndex: Int, selectionBuffers: SelectionBuffers
    ) {
        self.engine = engine
        self.parameters = engine.parameters
        self.exchange = engine.exchange
        let through = engine.exchange.tradeThroughBps / 1e4
        (fallingReachFactor, risingReachFactor) = (1 - through, 1 + through)
        self.filters = engine.exchange.filters
        self.columns = columns
        self.funding = funding
        self.trades = trades
        self.startIndex = startIndex
        self.selectionBuffers = selectionBuffers
        self.regimeAfter = regimeAfter
        self.tradingFrom = tradingFrom
        self.balance = engine.exchange.startingBalance
        self.equityPeak = engine.exchange.startingBalance
        let startTime = startIndex < columns.count ? columns.openTimes[startIndex] : (columns.count > 0 ? columns.openTimes[columns.count - 1] : 0)
        self.curve = EquityCurve(startTime: startTime, initialEquity: engine.exchange.startingBalance)
        self.statistics = EquityStatistics(startTime: startTime, initialEquity: engine.exchange.startingBalance)
        if engine.recordEquityCurve {
            curve.times.reserveCapacity(max(0, columns.count - startIndex))
            curve.equity.reserveCapacity(max(0, columns.count - startIndex))
        }
    }

    /// Frees the orders' memory: the simulation must not run after.
    func deallocateOrders() {
        entries.deallocate()
        exits.deallocate()
    }

    /// Runs to the end, or returns nil as soon as `shouldStop` (asked every 4,096 bars) says so.
    mutating func run(shouldStop: (() -> Bool)? = nil) -> BacktestResult? {
        // Funding settled before the start is history; its last rate is known.
        let startTime = startIndex < columns.count ? columns.openTimes[startIndex] : Int64.max
        nextFundingTime = funding.count > 0 ? funding.times[0] : Int64.max
        while nextFundingTime <= startTime - 1 && fundingIndex < funding.count {
            lastKnownFundingRate = funding.rates[fundingIndex]
            advanceFunding()
        }
        var index = startIndex
        while index < columns.count {
            if index & 4095 == 0, let shouldStop, shouldStop() { return nil }
            // Quiet bars in bulk, never past the next stop check; then the first bar that is not quiet in full.
            let next = runQuietBars(from: index, to: min(columns.count, (index | 4095) + 1))
            if next > index && (next == columns.count || next & 4095 == 0) {
                index = next
                continue
            }
            runBar(next)
            index = next + 1
        }
        activity.liquidations = liquidations
        let metrics = PerformanceMetrics.compute(
            statistics: statistics, roundTrips: roundTripStatistics, activity: activity, riskFreeRate: engine.riskFreeRate, periodsPerYear: engine.periodsPerYear)
        return BacktestResult(
            metrics: metrics, equity: curve, roundTrips: roundTrips, fills: fills, orders: orders, fillCount: fillCount,
            droppedRungs: droppedRungs, postOnlyRejections: postOnlyRejections, liquidations: liquidations, riskHalts: riskHalts,
            bars: max(0, columns.count - startIndex))
    }

    /// One bar in full: funding, fills along its path, liquidation, the equity mark, the decision.
    mutating func runBar(_ index: Int) {
        // (Asked here first: most bars have no funding due.)
        if columns.openTimes[index] >= nextFundingTime { settleFunding(before: index) }
        applyPostOnly(at: index)
        fillOrders(in: index)
        if checkLiquidation(in: index) { liquidations += 1 }
        let close = columns.close[index]
        let equity = equity(at: close)
        statistics.add(time: columns.closeTime(index), equity: equity)
        if engine.recordEquityCurve { curve.append(time: columns.closeTime(index), equity: equity) }
        if long.quantity > 0 || short.quantity > 0 { activity.barsInMarket += 1 }
        decide(after: index, equity: equity)
    }

    /// Cash plus both sides' unrealised PnL at `price`.
    func equity(at price: Double) -> Double {
        balance + long.quantity * (price - long.averagePrice) + short.quantity * (short.averagePrice - price)
    }

    mutating func nextID() -> Int64 {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    // MARK: Funding

    /// Settles every funding time up to this bar's open, at the bar's open price: each side pays
    /// or receives quantity * mark * rate (LONG pays when the rate is positive, SHORT receives).
    mutating func settleFunding(before index: Int) {
        let open = columns.openTimes[index]
        while nextFundingTime <= open && fundingIndex < funding.count {
            let rate = funding.rates[fundingIndex]
            let mark = columns.open[index]
            let paid = (long.quantity - short.quantity) * mark * rate
            balance -= paid
            activity.fundingPaid += paid
            lastKnownFundingRate = rate
            advanceFunding()
        }
    }

    /// Moves on to the next funding settlement.
    mutating func advanceFunding() {
        fundingIndex += 1
        nextFundingTime = fundingIndex < funding.count ? funding.times[fundingIndex] : Int64.max
    }

    // MARK: Liquidation

    /// Cross margin: when equity at the bar's worse extreme falls below the maintenance margin,
    /// both sides are closed there at the taker fee.
    @inline(__always) mutating func checkLiquidation(in index: Int) -> Bool {
        guard long.quantity > 0 || short.quantity > 0 else { return false }
        let held = long.quantity + short.quantity
        let low = columns.low[index]
        if equity(at: low) < held * low * exchange.maintenanceMarginRate {
            liquidate(at: low, index: index)
            return true
        }
        let high = columns.high[index]
        if equity(at: high) < held * high * exchange.maintenanceMarginRate {
            liquidate(at: high, index: index)
            return true
        }
        return false
    }

    /// Closes both sides at `price` (taker fee). Each open entry fill becomes a round trip.
    @inline(never) mutating func liquidate(at price: Double, index: Int) {
        let time = columns.openTimes[index]
        for side in [PositionSide.long, .short] {
            let quantity = side == .long ? long.quantity : short.quantity
            guard quantity > 0 else { continue }
            let average = side == .long ? long.averagePrice : short.averagePrice
            let direction = side == .long ? 1.0 : -1.0
            let pnl = direction * (price - average) * quantity
            let fee = quantity * price * exchange.takerFee
            balance += pnl - fee
            activity.feesPaid += fee
            activity.takerFills += 1
            fillCount += 1
            if side == .long { _ = long.reduce(quantity) } else { _ = short.reduce(quantity) }
            var remaining = quantity
            for pair in exits where pair.side == side && remaining > 0 {
                let closed = min(pair.quantity, remaining)
                remaining -= closed
                let share = closed / quantity
                recordRoundTrip(RoundTrip(
                    side: side, entryTime: pair.entryTime, exitTime: time, entryPrice: pair.entryPrice, exitPrice: price,
                    quantity: closed, pnl: direction * (price - pair.entryPrice) * closed - pair.entryFee * closed / pair.quantity - fee * share))
            }
            if engine.recordEvents {
                fills.append(Fill(
                    orderID: nextID(), time: time, side: side, isBuy: side == .short, price: price, quantity: quantity, fee: fee,
                    isMaker: false, reason: .liquidation, realizedPnl: pnl))
            }
        }
        exits.removeAll()
        entries.removeAll()
        entriesAreLastReconciled = false
        boundsDirty = true
        exitBoundsDirty = true
        decisionValid = false
    }
}

