/// The strategy's decision at each bar close (spec section 2, steps 2 to 10).
extension Simulation {
    mutating func decide(after index: Int, equity: Double) {
        let mid = columns.close[index]
        if let limits = parameters.riskLimits, gateIsClosed(limits, index: index, equity: equity) {
            cancelEntries(index: index)
            return
        }
        // Without regime detection no indicator is needed, so trading starts at once.
        guard index >= tradingFrom else { return }
        let regime = regimeAfter.map { $0[index] } ?? .sideways

        if let current = center {
            if parameters.recenterEnabled && abs(mid - current) / current * 1e4 > parameters.recenterTriggerBps { center = mid }
        } else {
            center = mid
        }
        var longScale = 1.0
        var shortScale = 1.0
        // (The cost test first: it is kept per settlement, and mostly says no.)
        if parameters.fundingGuardEnabled && fundingIndex < funding.count && fundingGuardMayScale()
            && Double(nextFundingTime - columns.closeTime(index) - 1) <= parameters.fundingWindowMinutes * 60_000
        {
            let now = columns.closeTime(index) + 1
            let minutes = Double(nextFundingTime - now) / 60_000
            let guardrail = FundingGuard(windowMinutes: parameters.fundingWindowMinutes, maxCostBps: parameters.fundingMaxCostBps)
            // The rate of the coming settlement is not known yet: the last settled one stands in for it.
            let scales = guardrail.scales(minutesToFunding: minutes, rate: lastKnownFundingRate, intervalHours: funding.intervalHours(at: fundingIndex))
            longScale = scales.long
            shortScale = scales.short
        }
        let key = LadderKey(center: center!, regime: regime, longScale: longScale, shortScale: shortScale)
        if key != ladderKey {
            ladder = Self.buildLadder(key, parameters: parameters, filters: filters)
            ladderKey = key
            entriesAreLastReconciled = false  // the last selection's positions were in the old ladder
            droppedRungs = max(droppedRungs, ladder.dropped)
            decisionValid = false
            selectionBuffers.wantedCount = -1  // the wanted list was of the old ladder
        }
        let cap = parameters.positionCapEnabled ? equity * parameters.maxPositionPct : Double.infinity
        // Initial margin (cross): positions and entries of both sides within equity * leverage.
        let marginCap = max(0, equity) * exchange.leverage
        let longHeld = long.quantity * mid
        let shortHeld = short.quantity * mid
        if decisionValid && mid > midBandLow && mid < midBandHigh && allRungsIncluded
            && longHeld + desiredLongNotional <= cap && shortHeld + desiredShortNotional <= cap
            && longHeld + shortHeld + desiredLongNotional + desiredShortNotional <= marginCap
        {
            return  // the same rungs are wanted, and they are resting
        }
        // Mid has not crossed a rung, so the same rungs are wanted; a cap may still let a different set through.
        if decisionValid && mid > midBandLow && mid < midBandHigh
            && capsKeepSelection(longHeld: longHeld, shortHeld: shortHeld, cap: cap, marginCap: marginCap)
        {
            return
        }
        let buffers = selectionBuffers
        let longCount: Int
        let count: Int
        if mid > midBandLow && mid < midBandHigh && buffers.wantedCount >= 0 && !engine.generalPathOnly {
            // Mid has not crossed a rung since the last full selection on this ladder (a fill or a
            // post-only change brought us here): the same rungs are wanted, the caps choose again.
            let choice = Self.capsChoice(buffers, longHeld: longHeld, shortHeld: shortHeld, cap: cap, marginCap: marginCap, into: buffers.current)
            (longCount, count) = (choice.longCount, choice.count)
            adopt(choice)
        } else {
            // Which rungs are wanted now, as positions in the ladder (longs, then shorts).
            var band = (low: -Double.infinity, high: Double.infinity)
            var included = true
            var marginNotional = longHeld + shortHeld
            // Each side written out: a local function taking the side cost about 1M instructions a run.
            let fast = !engine.generalPathOnly
            let longWanted = (buffers.wantedPositions, buffers.wantedNotionals)
            let longSelection =
                (fast
                    ? Self.selectAllFitting(
                        ladder.long, long: true, into: buffers.current, wanted: longWanted, mid: mid, held: longHeld, cap: cap, marginCap: marginCap,
                        marginNotional: &marginNotional, band: &band) : nil)
                ?? Self.select(
                    ladder.long, into: buffers.current, wanted: longWanted, mid: mid, held: longHeld, cap: cap, marginCap: marginCap,
                    marginNotional: &marginNotional, band: &band, included: &included)
            let shortWanted = (buffers.wantedPositions + longSelection.wanted, buffers.wantedNotionals + longSelection.wanted)
            let shortSelection =
                (fast
                    ? Self.selectAllFitting(
                        ladder.short, long: false, into: buffers.current + longSelection.count, wanted: shortWanted, mid: mid, held: shortHeld,
                        cap: cap, marginCap: marginCap, marginNotional: &marginNotional, band: &band) : nil)
                ?? Self.select(
                    ladder.short, into: buffers.current + longSelection.count, wanted: shortWanted, mid: mid, held: shortHeld, cap: cap,
                    marginCap: marginCap, marginNotional: &marginNotional, band: &band, included: &included)
            desiredLongNotional = longSelection.notional
            desiredShortNotional = shortSelection.notional
            buffers.wantedLongCount = longSelection.wanted
            buffers.wantedCount = longSelection.wanted + shortSelection.wanted
            midBandLow = band.low
            midBandHigh = band.high
            allRungsIncluded = included
            (longCount, count) = (longSelection.count, longSelection.count + shortSelection.count)
        }
        // The resting entries already are the last selection unless something changed them since
        // (`decisionValid` is off then); the same selection again leaves nothing to do.
        if !(decisionValid && buffers.currentEqualsPrevious(count: count, longCount: longCount)) {
            reconcile(index: index, selection: buffers.current, longCount: longCount, shortCount: count - longCount)
            buffers.keepCurrent(count: count, longCount: longCount)
        }
        decisionValid = true
    }

    /// Keeps the rungs on the right side of mid (longs below, shorts above) that fit the side's cap
    /// and the margin, writing their positions in `rungs` to `positions`; returns how many and their
    /// notional. Also narrows the band of mid in which this choice stays the same, and says whether
    /// a cap left a rung out.
    static func select(
        _ rungs: [GridRung], into positions: UnsafeMutablePointer<Int32>,
        wanted wantedRungs: (positions: UnsafeMutablePointer<Int32>, notionals: UnsafeMutablePointer<Double>), mid: Double, held: Double, cap: Double,
        marginCap: Double, marginNotional: inout Double, band: inout (low: Double, high: Double), included: inout Bool
    ) -> (count: Int, notional: Double, wanted: Int) {
        var sideNotional = held
        var count = 0
        var wantedCount = 0
        rungs.withUnsafeBufferPointer { rungs in
            for position in 0..<rungs.count {
                let rung = rungs[position]
                // The band keeps every rung's wanted status: a long rung is wanted while mid > price,
                // else until mid passes above it; a short one while mid < price, else until mid passes below it.
                if rung.side == .long {
                    guard rung.price < mid else {
                        band.high = min(band.high, rung.price.nextUp)
                        continue
                    }
                    band.low = .larger(band.low, rung.price)
                } else {
                    guard rung.price > mid else {
                        band.low = .larger(band.low, rung.price.nextDown)
                        continue
                    }
                    band.high = min(band.high, rung.price)
                }
                let added = rung.quantity * rung.price
                wantedRungs.positions[wantedCount] = Int32(position)
                wantedRungs.notionals[wantedCount] = added
                wantedCount += 1
                if sideNotional + added > cap || marginNotional + added > marginCap {
                    included = false
                    continue
                }
                sideNotional += added
                marginNotional += added
                positions[count] = Int32(position)
                count += 1
            }
        }
        return (count, sideNotional - held, wantedCount)
    }

    /// `select` when every wanted rung of one side fits: the same results, in a quarter of the
    /// instructions; nil, with nothing changed but scratch memory, when a cap would leave one out
    /// (or is NaN).
    /// A side's rung prices run away from the centre (`GridLadder`: level i at centre -+ i steps,
    /// rounded to the tick; policies and scales only drop rungs), so its wanted rungs (longs below
    /// mid, shorts above) are the ones from the first wanted on, and the band's edges are that rung
    /// and the one before it. Adding positive notionals never lowers a sum, so when the last sums fit
    /// the caps, every sum on the way did, and `select` would have taken each rung (with the same
    /// additions in the same order).
    static func selectAllFitting(
        _ rungs: [GridRung], long: Bool, into positions: UnsafeMutablePointer<Int32>,
        wanted wantedRungs: (positions: UnsafeMutablePointer<Int32>, notionals: UnsafeMutablePointer<Double>), mid: Double, held: Double, cap: Double,
        marginCap: Double, marginNotional: inout Double, band: inout (low: Double, high: Double)
    ) -> (count: Int, notional: Double, wanted: Int)? {
        rungs.withUnsafeBufferPointer { rungs in
            let count = rungs.count
            var first = 0
            if long {
                while first < count && !(rungs[first].price < mid) { first &+= 1 }
            } else {
                while first < count && !(rungs[first].price > mid) { first &+= 1 }
            }
            var sideNotional = held
            var margin = marginNotional
            for position in first..<count {
                let rung = rungs[position]
                let added = rung.quantity * rung.price
                let offset = position &- first
                wantedRungs.positions[offset] = Int32(truncatingIfNeeded: position)
                wantedRungs.notionals[offset] = added
                positions[offset] = Int32(truncatingIfNeeded: position)
                sideNotional += added
                margin += added
            }
            guard first == count || (sideNotional <= cap && margin <= marginCap) else { return nil }
            if long {
                if first > 0 { band.high = min(band.high, rungs[first &- 1].price.nextUp) }
                if first < count { band.low = .larger(band.low, rungs[first].price) }
            } else {
                if first > 0 { band.low = .larger(band.low, rungs[first &- 1].price.nextDown) }
                if first < count { band.high = min(band.high, rungs[first].price) }
            }
            marginNotional = margin
            return (count &- first, sideNotional - held, count &- first)
        }
    }

    /// The caps' choice among the rungs wanted at the last full selection (still the wanted ones
    /// while mid stays in its band and the ladder is the same): `select`'s arithmetic in its order,
    /// the chosen positions (longs, then shorts) written to `positions`.
    static func capsChoice(
        _ buffers: SelectionBuffers, longHeld: Double, shortHeld: Double, cap: Double, marginCap: Double, into positions: UnsafeMutablePointer<Int32>
    ) -> (longCount: Int, count: Int, longNotional: Double, shortNotional: Double, included: Bool) {
        // Mostly every wanted rung fits: then the sums below, the loop's own additions in its order,
        // fit too (adding a positive notional never lowers a sum, so every partial sum the loop tests
        // is at most the final one), and the loop would take each rung.
        let (wantedLong, wanted) = (buffers.wantedLongCount, buffers.wantedCount)
        let wantedNotionals = buffers.wantedNotionals
        var sums = (long: longHeld, short: shortHeld, margin: longHeld + shortHeld)
        for offset in 0..<wantedLong {
            sums.long += wantedNotionals[offset]
            sums.margin += wantedNotionals[offset]
        }
        for offset in wantedLong..<wanted {
            sums.short += wantedNotionals[offset]
            sums.margin += wantedNotionals[offset]
        }
        if sums.long <= cap && sums.short <= cap && sums.margin <= marginCap {
            positions.update(from: buffers.wantedPositions, count: wanted)
            return (wantedLong, wanted, sums.long - longHeld, sums.short - shortHeld, true)
        }
        var marginNotional = longHeld + shortHeld
        var included = true
        var count = 0
        var longCount = 0
        var notionals = (long: 0.0, short: 0.0)
        for side in 0..<2 {
            let held = side == 0 ? longHeld : shortHeld
            var sideNotional = held
            for offset in (side == 0 ? 0..<buffers.wantedLongCount : buffers.wantedLongCount..<buffers.wantedCount) {
                let notional = buffers.wantedNotionals[offset]
                if sideNotional + notional > cap || marginNotional + notional > marginCap {
                    included = false
                    continue
                }
                sideNotional += notional
                marginNotional += notional
                positions[count] = buffers.wantedPositions[offset]
                count += 1
            }
            if side == 0 {
                longCount = count
                notionals.long = sideNotional - held
            } else {
                notionals.short = sideNotional - held
            }
        }
        return (longCount, count, notionals.long, notionals.short, included)
    }

    /// With the same rungs wanted as at the last full decision, whether the caps at this close let
    /// exactly the same ones through; if so the selection's notionals are brought up to date and
    /// nothing else changes.
    mutating func capsKeepSelection(longHeld: Double, shortHeld: Double, cap: Double, marginCap: Double) -> Bool {
        let buffers = selectionBuffers
        guard buffers.wantedCount >= 0, !engine.generalPathOnly else { return false }
        let choice = Self.capsChoice(buffers, longHeld: longHeld, shortHeld: shortHeld, cap: cap, marginCap: marginCap, into: buffers.current)
        guard buffers.currentEqualsPrevious(count: choice.count, longCount: choice.longCount) else { return false }
        adopt(choice)
        return true
    }

    /// Takes a caps choice's notionals and whether it left a rung out as the decision's.
    private mutating func adopt(_ choice: (longCount: Int, count: Int, longNotional: Double, shortNotional: Double, included: Bool)) {
        desiredLongNotional = choice.longNotional
        desiredShortNotional = choice.shortNotional
        allRungsIncluded = choice.included
    }

    /// Checks the risk gates at this close; closes them when a limit is crossed.
    mutating func gateIsClosed(_ limits: RiskLimits, index: Int, equity: Double) -> Bool {
        let now = columns.closeTime(index)
        if now < gateClosedUntil { return true }
        if gateClosedUntil != Int64.min {
            // Reopening: the drawdown is measured from here on.
            gateClosedUntil = Int64.min
            equityPeak = equity
        }
        equityPeak = max(equityPeak, equity)
        if let maxDrawdown = limits.maxDrawdownPct, equityPeak > 0, (equityPeak - equity) / equityPeak * 100 > maxDrawdown {
            gateClosedUntil = limits.drawdownCooldownMinutes.map { now + Int64($0 * 60_000) } ?? Int64.max
            riskHalts += 1
            return true
        }
        if let maxMove = limits.circuitBreakerMovePct, index >= limits.circuitBreakerWindowMinutes {
            let before = columns.close[index - limits.circuitBreakerWindowMinutes]
            if before > 0, abs(columns.close[index] - before) / before * 100 > maxMove {
                gateClosedUntil = now + Int64(limits.circuitBreakerCooldownMinutes * 60_000)
                riskHalts += 1
                return true
            }
        }
        return false
    }

    /// Cancels every resting entry (exits stay).
    mutating func cancelEntries(index: Int) {
        guard !entries.isEmpty else { return }
        for entry in entries { recordOrder(entry, .cancelled, time: columns.closeTime(index)) }
        entries.removeAll()
        entriesAreLastReconciled = false
        boundsDirty = true
        decisionValid = false
    }

    /// Cancels the resting entries `isCancelled` picks, in the entries' order (as the full
    /// reconciliation cancels).
    mutating func cancelEntries(time: Int64, where isCancelled: (Entry) -> Bool) {
        var position = 0
        while position < entries.count {
            if isCancelled(entries[position]) {
                recordOrder(entries[position], .cancelled, time: time)
                entries.remove(at: position)
            } else {
                position += 1
            }
        }
    }

    /// Whether the guard's cost test passes for the coming settlement (it only depends on the known
    /// rate and the interval, so it is worked out once per settlement, not every bar). Inlined: it
    /// is asked on every eventful bar and at every quiet stretch.
    @inline(__always) mutating func fundingGuardMayScale() -> Bool {
        if fundingGuardCheckedIndex != fundingIndex { checkFundingGuard() }
        return fundingGuardActive
    }

    /// Works out the guard's cost test for the coming settlement.
    @inline(never) mutating func checkFundingGuard() {
        fundingGuardCheckedIndex = fundingIndex
        let projected = abs(lastKnownFundingRate) * 1e4 * (parameters.fundingWindowMinutes / 60 / funding.intervalHours(at: fundingIndex))
        fundingGuardActive = lastKnownFundingRate != 0 && projected > parameters.fundingMaxCostBps
    }

    /// The ladder for a centre, regime and funding scales (spec section 2, steps 5 to 7).
    /// (Static: a method on `self` called from a mutating one copies the whole simulation.)
    static func buildLadder(_ key: LadderKey, parameters: HedgeGridParameters, filters: InstrumentFilters) -> GridLadder {
        var ladder = GridLadder(
            center: key.center, stepBps: parameters.gridStepBps, levelsLong: parameters.gridLevelsLong,
            levelsShort: parameters.gridLevelsShort, baseQuantity: parameters.baseQuantity,
            quantityScale: parameters.quantityScale, filters: filters)
        if parameters.regimeEnabled {
            parameters.policy.apply(
                to: &ladder, regime: key.regime, counterLevels: parameters.counterLevels,
                counterQuantityScale: parameters.counterQuantityScale, filters: filters)
        }
        if key.longScale < 1 { ladder.long = scaled(ladder.long, by: key.longScale, filters: filters, dropped: &ladder.dropped) }
        if key.shortScale < 1 { ladder.short = scaled(ladder.short, by: key.shortScale, filters: filters, dropped: &ladder.dropped) }
        return ladder
    }

    static func scaled(_ rungs: [GridRung], by scale: Double, filters: InstrumentFilters, dropped: inout Int) -> [GridRung] {
        var kept: [GridRung] = []
        for var rung in rungs {
            rung.quantity = filters.floorQuantity(rung.quantity * scale)
            if rung.quantity < filters.minQty || rung.quantity <= 0 || rung.quantity * rung.price < filters.minNotional {
                dropped += 1
            } else {
                kept.append(rung)
            }
        }
        return kept
    }

    /// Matches resting entries to the selected rungs (`selection`: ladder positions, `longCount`
    /// longs then `shortCount` shorts) by (side, level): missing ones are placed, ones off by more
    /// than 1 bp in price or 1% in quantity are replaced, the rest cancelled. Cancels go in the
    /// entries' order, placements longs first, each side by level, as ids are handed out.
    mutating func reconcile(index: Int, selection: UnsafeMutablePointer<Int32>, longCount: Int, shortCount: Int) {
        if entriesAreLastReconciled && !engine.generalPathOnly {
            if !reconcileSuffixes(index: index, selection: selection, longCount: longCount, shortCount: shortCount) {
                reconcileChanges(index: index, selection: selection, longCount: longCount, shortCount: shortCount)
            }
        } else {
            reconcileInFull(index: index, selection: selection, longCount: longCount, shortCount: shortCount)
        }
        entriesAreLastReconciled = true
        selectionBuffers.forgetFills()
    }

    /// `reconcile` from the resting entries themselves, whatever changed them.
    mutating func reconcileInFull(index: Int, selection: UnsafeMutablePointer<Int32>, longCount: Int, shortCount: Int) {
        let lookup = selectionBuffers
        let ladder = self.ladder
        let total = longCount + shortCount
        lookup.beginReconciling(selection, longCount: longCount, total: total, in: ladder)
        if entries.count == total {
            var allSelected = true
            for entry in entries where !lookup.isSelected(entry, in: ladder) {
                allSelected = false
                break
            }
            if allSelected { return }
        }
        let time = columns.closeTime(index)
        let step = center! * parameters.gridStepBps / 1e4
        var position = 0
        while position < entries.count {
            let entry = entries[position]
            if lookup.isSelected(entry, in: ladder) {
                lookup.markResting(entry.side, level: entry.level)
                position += 1
                continue
            }
            recordOrder(entry, .cancelled, time: time)
            entries.remove(at: position)
        }
        for offset in 0..<total {
            let side: PositionSide = offset < longCount ? .long : .short
            let rung = side == .long ? ladder.long[Int(selection[offset])] : ladder.short[Int(selection[offset])]
            if lookup.isResting(side, level: rung.level) { continue }
            place(rung, step: step, index: index, time: time)
        }
        boundsDirty = true
    }

    /// `reconcile` when the resting entries are the last reconciled selection's, less the ones that
    /// filled since, on the same ladder: each side's two selections (positions ascending) are
    /// compared in one pass, then the few filled rungs are placed again if still selected (or not
    /// cancelled, as they are gone). The same cancels and placements, in the same order, as
    /// `reconcileInFull` (a test runs both).
    mutating func reconcileChanges(index: Int, selection: UnsafeMutablePointer<Int32>, longCount: Int, shortCount: Int) {
        let buffers = selectionBuffers
        let previous = buffers.previous
        var cancelCounts = (0, 0)
        var placeCounts = (0, 0)
        for sideIndex in 0..<2 {
            let cancelled = sideIndex == 0 ? buffers.cancelled.0 : buffers.cancelled.1
            let placed = sideIndex == 0 ? buffers.placed.0 : buffers.placed.1
            var last = sideIndex == 0 ? 0 : buffers.previousLongCount
            let lastEnd = sideIndex == 0 ? buffers.previousLongCount : buffers.previousCount
            var now = sideIndex == 0 ? 0 : longCount
            let nowEnd = sideIndex == 0 ? longCount : longCount + shortCount
            var (cancelCount, placeCount) = (0, 0)
            // Often both of this side's selections are its last rungs (every rung beyond mid, none left
            // out by a cap) though `reconcileSuffixes` did not apply (the other side had a rung left
            // out, or a ladder has over 64 rungs): k ascending positions below the rung count that
            // start at count - k are the last k. Then the difference is the positions between the two
            // starts, no merge needed.
            let rungCount = sideIndex == 0 ? ladder.long.count : ladder.short.count
            let (lastStart, nowStart) = (rungCount - (lastEnd - last), rungCount - (nowEnd - now))
            if (last == lastEnd || Int(previous[last]) == lastStart) && (now == nowEnd || Int(selection[now]) == nowStart) {
                for position in lastStart..<max(lastStart, nowStart) {
                    cancelled[cancelCount] = Int32(position)
                    cancelCount += 1
                }
                for position in nowStart..<max(nowStart, lastStart) {
                    placed[placeCount] = Int32(position)
                    placeCount += 1
                }
                (last, now) = (lastEnd, nowEnd)
            }
            while last < lastEnd && now < nowEnd {
                let (was, wanted) = (previous[last], selection[now])
                if was == wanted {
                    last += 1
                    now += 1
                } else if was < wanted {
                    cancelled[cancelCount] = was
                    cancelCount += 1
                    last += 1
                } else {
                    placed[placeCount] = wanted
                    placeCount += 1
                    now += 1
                }
            }
            while last < lastEnd {
                cancelled[cancelCount] = previous[last]
                cancelCount += 1
                last += 1
            }
            while now < nowEnd {
                placed[placeCount] = selection[now]
                placeCount += 1
                now += 1
            }
            if sideIndex == 0 { (cancelCounts.0, placeCounts.0) = (cancelCount, placeCount) } else { (cancelCounts.1, placeCounts.1) = (cancelCount, placeCount) }
        }
        // A filled rung rests no more: placed again when still selected; else dropped from the
        // cancels (nothing rests there), which often leaves nothing to do at all.
        for offset in 0..<buffers.filledCount {
            let mark = Int(buffers.filledLevels[offset])
            let long = mark > 0
            // (Each side's array searched in place: picking one into a local would retain it.)
            let found = long
                ? ladder.long.withUnsafeBufferPointer { Self.position(ofLevel: mark, in: $0) }
                : ladder.short.withUnsafeBufferPointer { Self.position(ofLevel: -mark, in: $0) }
            guard let filled = found else { continue }
            let (cancelled, placed) = long ? (buffers.cancelled.0, buffers.placed.0) : (buffers.cancelled.1, buffers.placed.1)
            var cancelCount = long ? cancelCounts.0 : cancelCounts.1
            var placeCount = long ? placeCounts.0 : placeCounts.1
            if let at = (0..<cancelCount).first(where: { cancelled[$0] == filled }) {
                (cancelled + at).update(from: cancelled + at + 1, count: cancelCount - at - 1)
                cancelCount -= 1
            } else {
                var at = placeCount
                while at > 0 && placed[at - 1] > filled {
                    placed[at] = placed[at - 1]
                    at -= 1
                }
                placed[at] = filled
                placeCount += 1
            }
            if long { (cancelCounts.0, placeCounts.0) = (cancelCount, placeCount) } else { (cancelCounts.1, placeCounts.1) = (cancelCount, placeCount) }
        }
        guard cancelCounts.0 + cancelCounts.1 + placeCounts.0 + placeCounts.1 > 0 else { return }
        let ladder = self.ladder
        let time = columns.closeTime(index)
        if cancelCounts.0 + cancelCounts.1 > 0 {
            // In the entries' order, as the full reconciliation cancels.
            func isCancelled(_ entry: Entry) -> Bool {
                let long = entry.side == .long
                let (cancelled, count, rungs) = long ? (buffers.cancelled.0, cancelCounts.0, ladder.long) : (buffers.cancelled.1, cancelCounts.1, ladder.short)
                for offset in 0..<count where rungs[Int(cancelled[offset])].level == entry.level { return true }
                return false
            }
            cancelEntries(time: time, where: isCancelled)
        }
        let step = center! * parameters.gridStepBps / 1e4
        for offset in 0..<(placeCounts.0 + placeCounts.1) {
            let side: PositionSide = offset < placeCounts.0 ? .long : .short
            let rung = side == .long ? ladder.long[Int(buffers.placed.0[offset])] : ladder.short[Int(buffers.placed.1[offset - placeCounts.0])]
            place(rung, step: step, index: index, time: time)
        }
        // Placements widened the trigger bounds in place; a cancel may have narrowed them.
        if cancelCounts.0 + cancelCounts.1 > 0 { boundsDirty = true }
    }

    /// `reconcileChanges` when the last reconciled selection and this one are each side's last rungs
    /// (every wanted rung taken), on ladders of at most 64 rungs a side: each side's cancels are the
    /// positions between the two selections' starts when the start moved up, its placements those
    /// between them when it moved down, as bits of the positions; then the filled rungs are dropped
    /// from the cancels, or placed again. The same cancels and placements, in the same order; false
    /// (nothing done) when the selections are not of that kind.
    mutating func reconcileSuffixes(index: Int, selection: UnsafeMutablePointer<Int32>, longCount: Int, shortCount: Int) -> Bool {
        let buffers = selectionBuffers
        let (previousLong, previousCount) = (buffers.previousLongCount, buffers.previousCount)
        let (longRungs, shortRungs) = (ladder.long.count, ladder.short.count)
        guard previousLong >= 0, longRungs <= 64, shortRungs <= 64 else { return false }
        let previousShort = previousCount - previousLong
        let previous = buffers.previous
        let (lastLong, lastShort) = (longRungs - previousLong, shortRungs - previousShort)
        let (nowLong, nowShort) = (longRungs - longCount, shortRungs - shortCount)
        guard previousLong == 0 || Int(previous[0]) == lastLong, previousShort == 0 || Int(previous[previousLong]) == lastShort,
            longCount == 0 || Int(selection[0]) == nowLong, shortCount == 0 || Int(selection[longCount]) == nowShort
        else { return false }
        // The positions between the two starts, as bits (1 to 64 of them, or none).
        func between(_ first: Int, _ second: Int) -> UInt64 {
            let (low, high) = (min(first, second), max(first, second))
            return low == high ? 0 : (~UInt64(0) >> UInt64(64 - (high - low))) << UInt64(low)
        }
        let (longMoved, shortMoved) = (between(lastLong, nowLong), between(lastShort, nowShort))
        var cancels = (long: nowLong > lastLong ? longMoved : 0, short: nowShort > lastShort ? shortMoved : 0)
        var placements = (long: longMoved & ~cancels.long, short: shortMoved & ~cancels.short)
        for offset in 0..<buffers.filledCount {
            let mark = Int(buffers.filledLevels[offset])
            // A filled rung rests no more: not cancelled, or placed again when still selected.
            if mark > 0 {
                guard let position = ladder.long.withUnsafeBufferPointer({ Self.position(ofLevel: mark, in: $0) }) else { continue }
                let bit = UInt64(1) << UInt64(position)
                if cancels.long & bit != 0 { cancels.long &= ~bit } else { placements.long |= bit }
            } else {
                guard let position = ladder.short.withUnsafeBufferPointer({ Self.position(ofLevel: -mark, in: $0) }) else { continue }
                let bit = UInt64(1) << UInt64(position)
                if cancels.short & bit != 0 { cancels.short &= ~bit } else { placements.short |= bit }
            }
        }
        guard cancels.long | cancels.short | placements.long | placements.short != 0 else { return true }
        let ladder = self.ladder
        let time = columns.closeTime(index)
        if cancels.long | cancels.short != 0 {
            // In the entries' order, as the full reconciliation cancels.
            func isCancelled(_ entry: Entry) -> Bool {
                var remaining = entry.side == .long ? cancels.long : cancels.short
                let rungs = entry.side == .long ? ladder.long : ladder.short
                while remaining != 0 {
                    if rungs[remaining.trailingZeroBitCount].level == entry.level { return true }
                    remaining &= remaining - 1
                }
                return false
            }
            cancelEntries(time: time, where: isCancelled)
            boundsDirty = true
        }
        let step = center! * parameters.gridStepBps / 1e4
        while placements.long != 0 {
            place(ladder.long[placements.long.trailingZeroBitCount], step: step, index: index, time: time)
            placements.long &= placements.long - 1
        }
        while placements.short != 0 {
            place(ladder.short[placements.short.trailingZeroBitCount], step: step, index: index, time: time)
            placements.short &= placements.short - 1
        }
        return true
    }

    /// The position in `rungs` of the rung at `level`.
    static func position(ofLevel level: Int, in rungs: UnsafeBufferPointer<GridRung>) -> Int32? {
        rungs.firstIndex(where: { $0.level == level }).map(Int32.init)
    }

    /// Places an entry for `rung` (the next id; resting from the next bar, after its post-only
    /// check) and widens the trigger bounds to it.
    private mutating func place(_ rung: GridRung, step: Double, index: Int, time: Int64) {
        let entry = Entry(id: nextID(), side: rung.side, level: rung.level, price: rung.price, quantity: rung.quantity, step: step, activeFrom: index + 1)
        entries.append(entry)
        entriesAwaitingPostOnly = true
        recordOrder(entry, .placed, time: time)
        if rung.side == .long {
            highestDownTrigger = .larger(highestDownTrigger, entry.price)
            entryEdges.addLong(entry.price)
            awaitingLongHighest = .larger(awaitingLongHighest, entry.price)
        } else {
            lowestUpTrigger = min(lowestUpTrigger, entry.price)
            entryEdges.addShort(entry.price)
            awaitingShortLowest = min(awaitingShortLowest, entry.price)
        }
    }

    /// Within 1 bp in price and 1% in quantity.
    static func close(_ rung: GridRung, _ entry: Entry) -> Bool {
        abs(rung.price - entry.price) / entry.price <= 1e-4 && abs(rung.quantity - entry.quantity) / entry.quantity <= 0.01
    }


}
