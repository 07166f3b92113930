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
/// the exact test. While a cap leaves a wanted rung out, the caps' choice is asked the same way:
/// a mid inside `CapsChoiceRange` is certain to keep it.
extension Simulation {
    /// Runs the quiet bars from `start` on; returns the first bar that is not quiet (or `end`).
    mutating func runQuietBars(from start: Int, to end: Int) -> Int {
        guard !engine.generalPathOnly, start > 0, start < end, trades.isEmpty, parameters.riskLimits == nil, decisionValid,
            let key = ladderKey, let center, key.center == center, key.longScale == 1, key.shortScale == 1
        else { return start }
        if start < tradingFrom { return start }
        // The post-only check at this open passes every entry placed at the last close, as the general path would find.
        if entriesAwaitingPostOnly {
            guard Self.postOnlyAcceptsAll(entries, open: columns.open[start], index: start) else { return start }
            entriesAwaitingPostOnly = false
        }
        if boundsDirty { recomputeBounds() }
        let columns = self.columns
        // Most bars that are not quiet reach an order or move mid out of its band: say so before any set-up.
        let firstClose = columns.close[start]
        let firstPrevious = columns.close[start - 1]
        if min(columns.low[start], firstPrevious) <= highestDownTrigger || max(columns.high[start], firstPrevious) >= lowestUpTrigger
            || !(firstClose > midBandLow && firstClose < midBandHigh)
        {
            return start
        }
        // What the general path reads, fixed for the stretch (nothing below changes while bars are quiet).
        let highestDown = highestDownTrigger
        let lowestUp = lowestUpTrigger
        let nextFundingTime = fundingIndex < funding.count ? funding.times[fundingIndex] : Int64.max
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
        var index = start
        var previousClose = firstPrevious
        var capsRange: CapsChoiceRange?
        /// The mid of the last bar whose caps' choice was skipped inside `capsRange`, unless one was taken since.
        var choicePendingAt: Double?
        while index < end {
            let openTime = openTimes[index]
            if openTime >= nextFundingTime { break }
            let barHigh = high[index]
            let barLow = low[index]
            if min(barLow, previousClose) <= highestDown || max(barHigh, previousClose) >= lowestUp { break }
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
                    if capsRange == nil {
                        capsRange = CapsChoiceRange(
                            buffers: selectionBuffers, cash: cash, long: long, short: short, capFraction: capEnabled ? capFraction : nil,
                            leverage: leverage, mid: mid)
                    }
                    if capsRange!.contains(mid) {
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
