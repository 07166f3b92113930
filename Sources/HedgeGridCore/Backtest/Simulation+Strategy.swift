/// The strategy's decision at each bar close (spec section 2, steps 2 to 10).
extension Simulation {
    mutating func decide(after index: Int, equity: Double) {
        let high = bars.high[index]
        let low = bars.low[index]
        let mid = bars.close[index]
        detector.update(high: high, low: low, close: mid)
        // Without regime detection no indicator is needed, so trading starts at once.
        guard !parameters.regimeEnabled || detector.isWarm else { return }
        let regime = parameters.regimeEnabled ? detector.regime : .sideways

        if let current = center {
            if parameters.recenterEnabled && abs(mid - current) / current * 1e4 > parameters.recenterTriggerBps { center = mid }
        } else {
            center = mid
        }
        var ladder = GridLadder(
            center: center!, stepBps: parameters.gridStepBps, levelsLong: parameters.gridLevelsLong,
            levelsShort: parameters.gridLevelsShort, baseQuantity: parameters.baseQuantity,
            quantityScale: parameters.quantityScale, filters: filters)
        if parameters.regimeEnabled {
            parameters.policy.apply(
                to: &ladder, regime: regime, counterLevels: parameters.counterLevels,
                counterQuantityScale: parameters.counterQuantityScale, filters: filters)
        }
        if parameters.fundingGuardEnabled && fundingIndex < funding.count {
            let now = bars.closeTime(index) + 1
            let minutes = Double(funding.times[fundingIndex] - now) / 60_000
            let guardrail = FundingGuard(windowMinutes: parameters.fundingWindowMinutes, maxCostBps: parameters.fundingMaxCostBps)
            // The rate of the coming settlement is not known yet: the last settled one stands in for it.
            let scales = guardrail.scales(minutesToFunding: minutes, rate: lastKnownFundingRate, intervalHours: funding.intervalHours(at: fundingIndex))
            if scales.long < 1 { ladder.long = scaled(ladder.long, by: scales.long, dropped: &ladder.dropped) }
            if scales.short < 1 { ladder.short = scaled(ladder.short, by: scales.short, dropped: &ladder.dropped) }
        }
        droppedRungs = max(droppedRungs, ladder.dropped)
        var desiredLong = ladder.long.filter { $0.price < mid }
        var desiredShort = ladder.short.filter { $0.price > mid }
        if parameters.positionCapEnabled {
            let cap = equity * parameters.maxPositionPct
            desiredLong = capped(desiredLong, held: long.quantity * mid, cap: cap)
            desiredShort = capped(desiredShort, held: short.quantity * mid, cap: cap)
        }
        // Initial margin (cross): positions and entries of both sides within equity * leverage.
        let marginCap = max(0, equity) * exchange.leverage
        desiredLong = capped(desiredLong, held: (long.quantity + short.quantity) * mid, cap: marginCap)
        let longEntries = desiredLong.reduce(0) { $0 + $1.quantity * $1.price }
        desiredShort = capped(desiredShort, held: (long.quantity + short.quantity) * mid + longEntries, cap: marginCap)
        reconcile(long: desiredLong, short: desiredShort, index: index)
    }

    func scaled(_ rungs: [GridRung], by scale: Double, dropped: inout Int) -> [GridRung] {
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

    /// Skips each entry that would take the side's notional (position + entries kept so far + it) over the cap.
    func capped(_ rungs: [GridRung], held: Double, cap: Double) -> [GridRung] {
        var notional = held
        var kept: [GridRung] = []
        for rung in rungs {
            let added = rung.quantity * rung.price
            if notional + added > cap { continue }
            notional += added
            kept.append(rung)
        }
        return kept
    }

    /// Matches resting entries to the desired rungs by (side, level): missing ones are placed,
    /// ones off by more than 1 bp in price or 1% in quantity are replaced, the rest cancelled.
    mutating func reconcile(long desiredLong: [GridRung], short desiredShort: [GridRung], index: Int) {
        let time = bars.closeTime(index)
        let step = center! * parameters.gridStepBps / 1e4
        var wanted: [GridRung?] = desiredLong + desiredShort
        var changed = false
        var position = 0
        while position < entries.count {
            let entry = entries[position]
            if let match = wanted.firstIndex(where: { $0?.side == entry.side && $0?.level == entry.level }), let rung = wanted[match] {
                let priceOff = abs(rung.price - entry.price) / entry.price > 1e-4
                let quantityOff = abs(rung.quantity - entry.quantity) / entry.quantity > 0.01
                if !priceOff && !quantityOff {
                    wanted[match] = nil
                    position += 1
                    continue
                }
            }
            recordOrder(entry, .cancelled, time: time)
            entries.remove(at: position)
            changed = true
        }
        for case let rung? in wanted {
            let entry = Entry(id: nextID(), side: rung.side, level: rung.level, price: rung.price, quantity: rung.quantity, step: step, activeFrom: index + 1)
            entries.append(entry)
            recordOrder(entry, .placed, time: time)
            changed = true
        }
        if changed { boundsDirty = true }
    }
}
