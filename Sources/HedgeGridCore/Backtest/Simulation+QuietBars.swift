/// Most bars change nothing: no funding falls due, the price reaches no resting order, the account
/// is far from liquidation, and the strategy wants the orders that already rest (when a position
/// cap binds, the caps at this close let the same rungs through: `capsKeepSelection`, which brings
/// the selection's notionals up to date as the general path does). Such a bar only marks equity.
/// `runQuietBars` does exactly that for a stretch of them, with the state it reads held in locals,
/// and stops at the first bar that could do anything else, which the general path then runs in
/// full. The quiet conditions are the general path's own tests, evaluated the same way, so the
/// outputs are identical bit for bit (the engine tests and `hgctl bench backtest`'s fingerprint
/// check this). Two of them are first asked as price ranges worked out once per stretch, with a
/// margin far wider than any rounding (`QuietPriceRanges`); only a bar outside a range is asked
/// the exact test. The caps' test is asked the same way: a mid inside `CapsChoiceRange` is certain
/// to keep the choice. Bars go in blocks of 8 where they can: one branch-free pass over a block's
/// prices, each test in range form (the equity marks bounded by the extreme closes, as equity is
/// linear in the close), and `EquityStatistics.addMarks` when no mark can be a new peak, a deeper
/// drawdown or a day's sample; a block that fails is run bar by bar.
extension Simulation {
    /// Runs the quiet bars from `start` on; returns the first bar that is not quiet (or `end`).
    mutating func runQuietBars(from start: Int, to end: Int) -> Int {
        guard !engine.generalPathOnly, start > 0, start < end, trades.isEmpty, parameters.riskLimits == nil, decisionValid,
            let key = ladderKey, let center, key.center == center, key.longScale == 1, key.shortScale == 1
        else { return start }
        if start < tradingFrom { return start }
        // The post-only check at this open passes every entry placed at the last close, as the general path would find.
        if entriesAwaitingPostOnly {
            guard postOnlyPassesAll(at: columns.open[start]) else { return start }
        }
        if boundsDirty { recomputeBounds() }
        let columns = self.columns
        // Most bars that are not quiet reach an order or move mid out of its band: say so before any set-up.
        let firstClose = columns.close[start]
        let firstPrevious = columns.close[start - 1]
        if min(columns.low[start], firstPrevious) <= highestDownTrigger || .larger(columns.high[start], firstPrevious) >= lowestUpTrigger
            || !(firstClose > midBandLow && firstClose < midBandHigh)
        {
            return start
        }
        // What the general path reads, fixed for the stretch (nothing below changes while bars are quiet).
        let highestDown = highestDownTrigger
        let lowestUp = lowestUpTrigger
        let nextFundingTime = self.nextFundingTime
        let guardMayScale = parameters.fundingGuardEnabled && fundingIndex < funding.count && fundingGuardMayScale()
        let guardWindowMs = parameters.fundingWindowMinutes * 60_000
        let recenter = parameters.recenterEnabled
        let recenterTrigger = parameters.recenterTriggerBps
        let capFraction = parameters.positionCapEnabled ? parameters.maxPositionPct : Double.infinity
        let capEnabled = parameters.positionCapEnabled
        let leverage = exchange.leverage
        let maintenance = exchange.maintenanceMarginRate
        let (longQuantity, longAverage) = (long.quantity, long.averagePrice)
        let (shortQuantity, shortAverage) = (short.quantity, short.averagePrice)
        let inMarket = longQuantity > 0 || shortQuantity > 0
        let cash = balance
        let (bandLow, bandHigh) = (midBandLow, midBandHigh)
        var (longNotional, shortNotional) = (desiredLongNotional, desiredShortNotional)
        var allIncluded = allRungsIncluded
        let regime = key.regime
        let regimeAfter = self.regimeAfter
        let recordCurve = engine.recordEquityCurve
        let ranges = QuietPriceRanges(
            cash: cash, long: long, short: short, maintenance: maintenance, center: center, recenterTriggerBps: recenter ? recenterTrigger : nil,
            bandLow: bandLow, bandHigh: bandHigh)
        let (openTimes, high, low, close) = (columns.openTimes, columns.high, columns.low, columns.close)
        let intervalMs = columns.intervalMs

        func equity(at price: Double) -> Double {
            cash + longQuantity * (price - longAverage) + shortQuantity * (shortAverage - price)
        }
        /// The caps' range for this choice (`CapsChoiceRange`), worked out when first needed.
        var capsRange: CapsChoiceRange?
        func capsRangeNow(mid: Double) -> CapsChoiceRange {
            if let capsRange { return capsRange }
            let fraction = capEnabled ? capFraction : nil
            let range = allIncluded
                ? CapsChoiceRange(
                    allTakenWith: longNotional, shortNotional, cash: cash, long: long, short: short, capFraction: fraction, leverage: leverage, mid: mid)
                : CapsChoiceRange(buffers: selectionBuffers, cash: cash, long: long, short: short, capFraction: fraction, leverage: leverage, mid: mid)
            capsRange = range
            return range
        }
        /// The mid of the last bar whose caps' choice was skipped inside `capsRange`, unless one was taken since.
        var choicePendingAt: Double?
        var index = start
        var previousClose = firstPrevious
        // Blocks of bars: the loop first asks whether a whole block is quiet, in one pass over its
        // prices with every test in range form; only after a block that is not does it go bar by bar
        // (up to the block's end).
        let blockLength = 8
        // The stretch's regime in each of a block's 8 bytes, to compare a block's regimes at once.
        precondition(MemoryLayout<Regime>.size == 1 && blockLength == 8, "a block's regimes are read as one 8-byte word")
        let regimeBytes = withUnsafeBytes(of: regime) { UInt64($0[0]) } &* 0x0101_0101_0101_0101
        var barByBarUntil = start
        while index < end {
            if index >= barByBarUntil && end - index >= blockLength {
                let last = index + blockLength - 1
                let lows = SIMD8(loadingFrom: low + index)
                let highs = SIMD8(loadingFrom: high + index)
                let closes = SIMD8(loadingFrom: close + index)
                let (lowest, highest, lowestClose, highestClose) = (lows.lowest, highs.highest, closes.lowest, closes.highest)
                // A price that is not finite fails the block (the bar-by-bar tests then see it as the general path does).
                let finite = (lows + highs + closes).total.isFinite
                let regimeChanges = regimeAfter.map { UnsafeRawPointer($0 + index).loadUnaligned(as: UInt64.self) != regimeBytes } ?? false
                let lastCloseTime = openTimes[last] + intervalMs - 1
                // A bar's orders are reached from the last close, its low and high (and its close, in case it lies outside them).
                let reachLow = min(min(lowest, lowestClose), previousClose)
                let reachHigh = Double.larger(.larger(highest, highestClose), previousClose)
                if openTimes[last] < nextFundingTime && !(guardMayScale && Double(nextFundingTime - lastCloseTime - 1) <= guardWindowMs)
                    && finite && reachLow > highestDown && reachHigh < lowestUp && !regimeChanges
                    && (!inMarket || (lowest > ranges.liquidationLow && highest < ranges.liquidationHigh))
                    && lowestClose > ranges.midLow && highestClose < ranges.midHigh
                {
                    let caps = capsRangeNow(mid: close[index])
                    // Equity is linear in the close while positions are fixed: its extremes lie at the extreme closes, up to rounding.
                    let farthest = max(abs(lowestClose), abs(highestClose))
                    let slack = QuietPriceRanges.accountMargin * (abs(cash) + longQuantity * (farthest + longAverage) + shortQuantity * (shortAverage + farthest))
                    let (top, bottom) = longQuantity >= shortQuantity ? (highestClose, lowestClose) : (lowestClose, highestClose)
                    let lastClose = close[last]
                    if lowestClose > caps.low && highestClose < caps.high
                        && statistics.addMarks(
                            count: blockLength, lastTime: lastCloseTime, last: equity(at: lastClose), highest: equity(at: top) + slack,
                            lowest: equity(at: bottom) - slack)
                    {
                        if recordCurve {
                            for bar in index...last { curve.append(time: openTimes[bar] + intervalMs - 1, equity: equity(at: close[bar])) }
                        }
                        if !allIncluded { choicePendingAt = lastClose }
                        previousClose = lastClose
                        index += blockLength
                        continue
                    }
                }
                barByBarUntil = index + blockLength
            }
            let openTime = openTimes[index]
            if openTime >= nextFundingTime { break }
            let barHigh = high[index]
            let barLow = low[index]
            if min(barLow, previousClose) <= highestDown || .larger(barHigh, previousClose) >= lowestUp { break }
            if inMarket && !(barLow > ranges.liquidationLow && barHigh < ranges.liquidationHigh) {
                let held = longQuantity + shortQuantity
                if equity(at: barLow) < held * barLow * maintenance || equity(at: barHigh) < held * barHigh * maintenance { break }
            }
            let mid = close[index]
            if let regimeAfter, regimeAfter[index] != regime { break }
            if !(mid > ranges.midLow && mid < ranges.midHigh) {
                if recenter && abs(mid - center) / center * 1e4 > recenterTrigger { break }
                if !(mid > bandLow && mid < bandHigh) { break }
            }
            let closeTime = openTime + intervalMs - 1
            if guardMayScale && Double(nextFundingTime - closeTime - 1) <= guardWindowMs { break }
            let value = equity(at: mid)
            let cap = capEnabled ? value * capFraction : Double.infinity
            let marginCap = max(0, value) * leverage
            let longHeld = longQuantity * mid
            let shortHeld = shortQuantity * mid
            if !(allIncluded && longHeld + longNotional <= cap && shortHeld + shortNotional <= cap
                && longHeld + shortHeld + longNotional + shortNotional <= marginCap)
            {
                // The general path's second test: do the caps let the same rungs through? While a cap
                // leaves a rung out, a mid inside `capsRange` is certain to say yes; the choice is
                // then taken at the stretch's end (its notionals are not read while a rung is left out).
                if !allIncluded {
                    if capsRangeNow(mid: mid).contains(mid) {
                        // The bar's mark, as below: written twice on purpose (one shared tail made
                        // the compiler's loop 7% longer in instructions, Swift 6.3).
                        choicePendingAt = mid
                        statistics.add(time: closeTime, equity: value)
                        if recordCurve { curve.append(time: closeTime, equity: value) }
                        previousClose = mid
                        index += 1
                        continue
                    }
                }
                guard capsKeepSelection(longHeld: longHeld, shortHeld: shortHeld, cap: cap, marginCap: marginCap) else { break }
                choicePendingAt = nil
                (longNotional, shortNotional, allIncluded) = (desiredLongNotional, desiredShortNotional, allRungsIncluded)
                capsRange = nil  // of the choice before
            }
            statistics.add(time: closeTime, equity: value)
            if recordCurve { curve.append(time: closeTime, equity: value) }
            previousClose = mid
            index += 1
        }
        if let mid = choicePendingAt {
            // The caps' choice at the last quiet bar, as the general path takes it there.
            let value = equity(at: mid)
            let kept = capsKeepSelection(
                longHeld: longQuantity * mid, shortHeld: shortQuantity * mid, cap: capEnabled ? value * capFraction : Double.infinity,
                marginCap: max(0, value) * leverage)
            precondition(kept && !allRungsIncluded, "a mid inside the caps' range changed their choice")
        }
        if inMarket { activity.barsInMarket += index - start }
        return index
    }
}

/// A block's prices, scanned without a branch (the standard library's `min()` and `max()` branch per
/// lane on NaN, and a price comparison is a coin toss for the branch predictor). NaN-blind: the
/// quiet loop checks that the block's prices are finite.
extension SIMD8 where Scalar == Double {
    @inline(__always) init(loadingFrom prices: UnsafePointer<Double>) {
        self = UnsafeRawPointer(prices).loadUnaligned(as: SIMD8<Double>.self)
    }

    // In pairs of lanes: a comparison and selection of two-lane vectors compiles to one `minpd`
    // (`maxpd`), of four-lane ones to about nine instructions (Swift 6.3, x86-64 baseline).
    @inline(__always) var lowest: Double {
        let (first, second) = (Self.lower(lowHalf.lowHalf, lowHalf.highHalf), Self.lower(highHalf.lowHalf, highHalf.highHalf))
        let two = Self.lower(first, second)
        return two[1] < two[0] ? two[1] : two[0]
    }

    @inline(__always) var highest: Double {
        let (first, second) = (Self.higher(lowHalf.lowHalf, lowHalf.highHalf), Self.higher(highHalf.lowHalf, highHalf.highHalf))
        let two = Self.higher(first, second)
        return two[1] > two[0] ? two[1] : two[0]
    }

    @inline(__always) private static func lower(_ left: SIMD2<Double>, _ right: SIMD2<Double>) -> SIMD2<Double> {
        left.replacing(with: right, where: right .< left)
    }

    @inline(__always) private static func higher(_ left: SIMD2<Double>, _ right: SIMD2<Double>) -> SIMD2<Double> {
        left.replacing(with: right, where: right .> left)
    }

    /// The lanes' sum (not finite when a lane is not).
    @inline(__always) var total: Double {
        let four = lowHalf + highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }
}
