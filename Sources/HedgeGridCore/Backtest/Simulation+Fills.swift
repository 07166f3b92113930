/// Filling resting orders along a bar's price path (spec section 3).
extension Simulation {
    /// What a trigger on the path is.
    enum TriggerKind: Int {
        case entry = 0, takeProfit = 1, stop = 2
    }

    struct Trigger {
        var level: Double
        var kind: TriggerKind
        /// The order's id; it is found by id when processed.
        var id: Int64
        /// Where the order was in `entries` or `exits` when gathered: looked at first (fills before
        /// it may have moved it, then it is searched for).
        var position: Int
    }

    mutating func recomputeBounds() {
        if exitBoundsDirty {
            var down = -Double.infinity
            var up = Double.infinity
            // (A missing stop's NaN level is never taken: `.larger` and `min` keep the first value then.)
            for pair in exits {
                down = .larger(down, pair.fallingReach)
                up = min(up, pair.risingReach)
            }
            exitDownTrigger = down
            exitUpTrigger = up
            exitBoundsDirty = false
        }
        var edges = EntryEdges()
        for entry in entries {
            if entry.side == .long { edges.addLong(entry.price) } else { edges.addShort(entry.price) }
        }
        entryEdges = edges
        boundsFromEdges()
        boundsDirty = false
    }

    /// The trigger bounds from the exits' share and the entry edges (the same bounds as taking the
    /// larger or smaller price order by order: a NaN price is never an edge).
    mutating func boundsFromEdges() {
        highestDownTrigger = .larger(exitDownTrigger, entryEdges.nearestLong)
        lowestUpTrigger = min(exitUpTrigger, entryEdges.nearestShort)
    }

    /// Post-only check of entries placed at the last close, against this bar's open: an entry
    /// that would take liquidity is moved `retryTicks` further away, up to `retryAttempts` times,
    /// and rejected if it still crosses.
    /// Inlined: most bars have no entry awaiting the check.
    @inline(__always) mutating func applyPostOnly(at index: Int) {
        if entriesAwaitingPostOnly { checkPostOnly(at: index) }
    }

    /// `applyPostOnly` for the entries awaiting the check.
    mutating func checkPostOnly(at index: Int) {
        let open = columns.open[index]
        // Mostly no waiting entry crosses the open: none is looked at.
        if !engine.generalPathOnly && postOnlyPassesAll(at: open) { return }
        endPostOnlyCheck()
        var changed = false
        var position = Self.firstEntryAwaitingPostOnly(in: entries, at: index)
        while position < entries.count {
            var entry = entries[position]
            guard entry.activeFrom == index else {
                position += 1
                continue
            }
            let crosses = entry.side == .long ? entry.price >= open : entry.price <= open
            guard crosses else {
                position += 1
                continue
            }
            postOnlyRejections += 1
            var accepted = false
            for attempt in 1...max(parameters.retryAttempts, 1) where parameters.retryAttempts > 0 {
                let offset = Double(attempt * parameters.retryTicks) * filters.tickSize
                let price = filters.roundPrice(entry.side == .long ? entry.price - offset : entry.price + offset)
                if entry.side == .long ? price < open : price > open {
                    entry.price = price
                    accepted = true
                    break
                }
                postOnlyRejections += 1
            }
            changed = true
            if accepted {
                entries[position] = entry
                position += 1
            } else {
                recordOrder(entry, .rejectedPostOnly, time: columns.openTimes[index])
                entries.remove(at: position)
            }
        }
        if changed {
            entriesAreLastReconciled = false
            boundsDirty = true
            decisionValid = false
        }
    }

    /// Placements are appended, so the entries placed at the last close (active from `index`) are the last ones.
    /// (Static, on the entries alone: a call on `self` from a mutating method copies the whole simulation.)
    static func firstEntryAwaitingPostOnly(in entries: OrderList<Entry>, at index: Int) -> Int {
        var position = entries.count
        while position > 0 && entries[position - 1].activeFrom == index { position -= 1 }
        return position
    }

    /// Whether the post-only check at `open` is certain to leave every waiting entry as it is (each
    /// long below the open, each short above it); if so, the check is done. Otherwise only the
    /// entries themselves can say (`applyPostOnly`).
    mutating func postOnlyPassesAll(at open: Double) -> Bool {
        guard awaitingLongHighest < open && awaitingShortLowest > open else { return false }
        endPostOnlyCheck()
        return true
    }

    /// No entry waits for the post-only check any more.
    mutating func endPostOnlyCheck() {
        entriesAwaitingPostOnly = false
        awaitingLongHighest = -.infinity
        awaitingShortLowest = .infinity
    }

    /// Fills along the bar's path (after `applyPostOnly`, which `runBar` asks first).
    mutating func fillOrders(in index: Int) {
        if boundsDirty { recomputeBounds() }
        let open = columns.open[index]
        let high = columns.high[index]
        let low = columns.low[index]
        let close = columns.close[index]
        let previousClose = index > 0 ? columns.close[index - 1] : open
        if !trades.isEmpty, columns.openTimes[index] + columns.intervalMs > trades.times[0], columns.openTimes[index] <= trades.times[trades.count - 1] {
            fillAlongTrades(in: index, previousClose: previousClose)
            return
        }
        guard min(low, previousClose) <= highestDownTrigger || .larger(high, previousClose) >= lowestUpTrigger else { return }
        // open -> high -> low -> close when the high is nearer the open, else open -> low -> high -> close.
        let highFirst = (high - open) < (open - low)
        let first = highFirst ? high : low
        let second = highFirst ? low : high
        let points = (previousClose, open, first, second, close)
        for step in 0..<4 {
            let from: Double
            let to: Double
            switch step {
            case 0: (from, to) = (points.0, points.1)
            case 1: (from, to) = (points.1, points.2)
            case 2: (from, to) = (points.2, points.3)
            default: (from, to) = (points.3, points.4)
            }
            if from == to { continue }
            if boundsDirty { recomputeBounds() }
            // Most segments reach nothing: asked here, before a call.
            if to < from ? to > highestDownTrigger : to < lowestUpTrigger { continue }
            walk(from: from, to: to, gap: step == 0, index: index)
        }
    }

    /// Walks the bar's trades: from the last close to the first trade (a gap), then between the
    /// turning points of the trade prices. A bar without trades fills nothing.
    mutating func fillAlongTrades(in index: Int, previousClose: Double) {
        let end = columns.openTimes[index] + columns.intervalMs
        if tradeIndex < trades.count, trades.times[tradeIndex] < columns.openTimes[index] {
            tradeIndex = trades.firstIndex(atOrAfter: columns.openTimes[index])
        }
        tradePath.removeAll(keepingCapacity: true)
        tradePath.append(previousClose)
        while tradeIndex < trades.count && trades.times[tradeIndex] < end {
            let price = trades.prices[tradeIndex]
            tradeIndex += 1
            let count = tradePath.count
            if price == tradePath[count - 1] { continue }
            // Keep only turning points: a run that goes on in the same direction is extended
            // (never the gap from the last close to the first trade, point 0 to point 1).
            if count >= 3, (tradePath[count - 1] - tradePath[count - 2]) * (price - tradePath[count - 1]) > 0 {
                tradePath[count - 1] = price
                continue
            }
            tradePath.append(price)
        }
        guard tradePath.count > 1 else { return }
        for step in 1..<tradePath.count {
            if boundsDirty { recomputeBounds() }
            walk(from: tradePath[step - 1], to: tradePath[step], gap: step == 1, index: index)
        }
    }

    /// Fills every order the segment reaches, in the order the price meets them.
    mutating func walk(from start: Double, to end: Double, gap: Bool, index: Int) {
        let falling = end < start
        // Nothing rests within reach of this segment.
        if falling ? end > highestDownTrigger : end < lowestUpTrigger { return }
        // Exits are many; look at them only when the segment reaches the nearest one.
        let reachesExits = falling ? end <= exitDownTrigger : end >= exitUpTrigger
        let room = entries.count + (reachesExits ? exits.count : 0)
        // The reached orders go to the front of the decision's scratch memory (plain memory, so the
        // fills below can change the simulation while it is in use), with room for every order the
        // segment could reach.
        let triggers = selectionBuffers.triggers(room: room)
        var reachedCount = 0
        func reach(_ trigger: Trigger) {
            triggers[reachedCount] = trigger
            reachedCount += 1
        }
        // A buy limit needs the price down to price * (1 - tt); a sell limit up to price * (1 + tt).
        let factor = falling ? fallingReachFactor : risingReachFactor
        // Mostly the segment stops short of the side's second nearest entry: then it can reach the
        // nearest one only (prices times a positive factor keep their order), found without a scan.
        // (A NaN price is never reached, and never an edge: see `EntryEdges`.)
        let (nearest, second) = falling ? (entryEdges.nearestLong, entryEdges.secondLong) : (entryEdges.nearestShort, entryEdges.secondShort)
        var nearestOnly = false
        if factor > 0 && (falling ? end > second * factor : end < second * factor) && !engine.generalPathOnly {
            if falling ? end <= nearest * factor : end >= nearest * factor {
                let side: PositionSide = falling ? .long : .short
                // From the back: the entry nearest the price is mostly one placed lately (its rung
                // filled, then mid came back). Only one rests at that price (the second is further).
                if let position = entries.lastIndex(where: { $0.price == nearest && $0.side == side }) {
                    if entries[position].activeFrom <= index {
                        reach(Trigger(level: nearest, kind: .entry, id: entries[position].id, position: position))
                        nearestOnly = true
                    }
                } else {
                    reachEntries(falling: falling, end: end, factor: factor, index: index, into: triggers, count: &reachedCount)
                }
            }
        } else {
            reachEntries(falling: falling, end: end, factor: factor, index: index, into: triggers, count: &reachedCount)
        }
        if reachesExits {
            exits.withUnsafeBufferPointer { exits in
                // As for the entries: the reached ones as bits (64 at a time), then written out.
                var chunk = 0
                while chunk < exits.count {
                    let chunkEnd = min(exits.count, chunk + 64)
                    var reached = falling
                        ? Self.reachedBits(exits, chunk..<chunkEnd) { Self.bit(end <= $0.fallingReach) & Self.bit($0.activeFrom <= index) }
                        : Self.reachedBits(exits, chunk..<chunkEnd) { Self.bit(end >= $0.risingReach) & Self.bit($0.activeFrom <= index) }
                    while reached != 0 {
                        let position = chunk + reached.trailingZeroBitCount
                        reached &= reached - 1
                        let pair = exits[position]
                        // Long exits: the take profit sells on the way up, the stop on the way down
                        // (reached only when there is one: a missing stop's level is NaN).
                        if (pair.side == .short) == falling {
                            reach(Trigger(level: pair.takeProfit, kind: .takeProfit, id: pair.id, position: position))
                        } else {
                            reach(Trigger(level: pair.stop!, kind: .stop, id: pair.id, position: position))
                        }
                    }
                    chunk = chunkEnd
                }
            }
        }
        guard reachedCount > 0 else { return }
        // In the order the price meets them: by level, then entries before take profits before
        // stops, then by id (a strict order, so any sort gives the same sequence).
        func precedes(_ left: Trigger, _ right: Trigger) -> Bool {
            if left.level != right.level { return falling ? left.level > right.level : left.level < right.level }
            if left.kind != right.kind { return left.kind.rawValue < right.kind.rawValue }
            return left.id < right.id
        }
        if reachedCount == 2 {
            if precedes(triggers[1], triggers[0]) { (triggers[0], triggers[1]) = (triggers[1], triggers[0]) }
        } else if reachedCount > 64 {
            // (Rare: a long move through many exits. O(n log n) there.)
            var reached = UnsafeMutableBufferPointer(start: triggers, count: reachedCount)
            reached.sort(by: precedes)
        } else if reachedCount > 2 {
            // Insertion, in place: the standard library's sort costs more for the few of a segment.
            for next in 1..<reachedCount {
                let trigger = triggers[next]
                var slot = next
                while slot > 0 && precedes(trigger, triggers[slot &- 1]) {
                    triggers[slot] = triggers[slot &- 1]
                    slot &-= 1
                }
                triggers[slot] = trigger
            }
        }
        for offset in 0..<reachedCount {
            let trigger = triggers[offset]
            switch trigger.kind {
            case .entry:
                guard let position = Self.find(trigger, in: entries, id: \.id) else { continue }
                fillEntry(entries.remove(at: position), index: index)
                // The resting entries changed: the next decision reconciles. (An exit fill changes
                // only the position, which the next decision's cap check sees.)
                decisionValid = false
            case .takeProfit, .stop:
                guard let position = Self.find(trigger, in: exits, id: \.id) else { continue }
                // Order does not matter among exits (triggers are sorted by level, kind, id): the last one takes its place.
                let pair = exits.removeMovingLast(at: position)
                // The bounds only move when the removed exit was the nearest one.
                if pair.fallingReach == exitDownTrigger || pair.risingReach == exitUpTrigger { exitBoundsDirty = true }
                if trigger.kind == .takeProfit {
                    fillExit(pair, price: pair.takeProfit, maker: true, reason: .takeProfit, index: index)
                } else {
                    // A stop fills at its trigger, or at the open when the price gapped through it.
                    let price = gap ? end : trigger.level
                    fillExit(pair, price: price, maker: false, reason: .stopLoss, index: index)
                }
            }
        }
        if nearestOnly && reachedCount == 1 {
            // Only the side's nearest entry filled: the second is the nearest now, and the bounds
            // follow (the new exit widened the exits' share in place). The one after it is not known:
            // the second edge is set to the nearest too, so until the next full look the shortcut
            // only ever finds that nothing on this side is reached.
            if falling { (entryEdges.nearestLong, entryEdges.secondLong) = (second, second) } else { (entryEdges.nearestShort, entryEdges.secondShort) = (second, second) }
            boundsFromEdges()
            return
        }
        boundsDirty = true
    }

    /// Writes a trigger for every resting entry on the segment's side that it reaches (its end
    /// beyond the entry's price times `factor`), in the entries' order, after the `count` there.
    func reachEntries(falling: Bool, end: Double, factor: Double, index: Int, into triggers: UnsafeMutablePointer<Trigger>, count: inout Int) {
        entries.withUnsafeBufferPointer { entries in
            // The entries reached, resting and on the segment's side, as bits of their positions
            // (64 at a time): one pass with no branch (the side alternates from entry to entry),
            // then only the reached ones are written out.
            var chunk = 0
            while chunk < entries.count {
                let chunkEnd = min(entries.count, chunk + 64)
                // One loop per direction, so neither asks which way the segment goes.
                var reached = falling
                    ? Self.reachedBits(entries, chunk..<chunkEnd) {
                        Self.bit(end <= $0.price * factor) & Self.bit($0.activeFrom <= index) & Self.bit($0.side == .long)
                    }
                    : Self.reachedBits(entries, chunk..<chunkEnd) {
                        Self.bit(end >= $0.price * factor) & Self.bit($0.activeFrom <= index) & Self.bit($0.side == .short)
                    }
                while reached != 0 {
                    let position = chunk + reached.trailingZeroBitCount
                    reached &= reached - 1
                    let entry = entries[position]
                    triggers[count] = Trigger(level: entry.price, kind: .entry, id: entry.id, position: position)
                    count += 1
                }
                chunk = chunkEnd
            }
        }
    }

    /// Bit `i` set for order `positions.lowerBound + i` (at most 64 of them) when `reached` gives
    /// it 1 (built with `bit`, so there is no branch per order).
    @inline(__always) static func reachedBits<Order>(
        _ orders: UnsafeBufferPointer<Order>, _ positions: Range<Int>, reached: (Order) -> UInt64
    ) -> UInt64 {
        var bits: UInt64 = 0
        for offset in 0..<positions.count {
            bits |= reached(orders[positions.lowerBound &+ offset]) &<< UInt64(truncatingIfNeeded: offset)
        }
        return bits
    }

    /// 1 when true, else 0.
    @inline(__always) static func bit(_ condition: Bool) -> UInt64 {
        condition ? 1 : 0
    }

    /// Where the trigger's order (an entry or an exit, `id` its id) is now: where it was gathered,
    /// unless a fill before it moved it.
    @inline(__always) static func find<Order>(_ trigger: Trigger, in orders: OrderList<Order>, id: (Order) -> Int64) -> Int? {
        trigger.position < orders.count && id(orders[trigger.position]) == trigger.id
            ? trigger.position : orders.firstIndex(where: { id($0) == trigger.id })
    }

    mutating func fillEntry(_ entry: Entry, index: Int) {
        selectionBuffers.markFilled(entry.side, level: entry.level)
        let fee = entry.quantity * entry.price * exchange.makerFee
        balance -= fee
        activity.feesPaid += fee
        activity.makerFills += 1
        fillCount += 1
        if entry.side == .long { long.open(entry.quantity, at: entry.price) } else { short.open(entry.quantity, at: entry.price) }
        let direction = entry.side == .long ? 1.0 : -1.0
        let takeProfit = filters.roundPrice(entry.price + direction * parameters.takeProfitSteps * entry.step)
        let stop = parameters.stopLossEnabled ? filters.roundPrice(entry.price - direction * parameters.stopLossSteps * entry.step) : nil
        let (fallingReach, risingReach) = entry.side == .long
            ? (stop ?? .nan, takeProfit * risingReachFactor) : (takeProfit * fallingReachFactor, stop ?? .nan)
        exits.append(ExitPair(
            id: nextID(), side: entry.side, quantity: entry.quantity, entryPrice: entry.price, entryTime: columns.openTimes[index],
            entryFee: fee, takeProfit: takeProfit, stop: stop, activeFrom: index + 1, fallingReach: fallingReach, risingReach: risingReach))
        // Widen the exits' bounds in place; only removals need a full recomputation.
        exitDownTrigger = .larger(exitDownTrigger, fallingReach)
        exitUpTrigger = min(exitUpTrigger, risingReach)
        if engine.recordEvents {
            recordOrder(entry, .filled, time: columns.openTimes[index])
            fills.append(Fill(
                orderID: entry.id, time: columns.openTimes[index], side: entry.side, isBuy: entry.side == .long, price: entry.price,
                quantity: entry.quantity, fee: fee, isMaker: true, reason: .entry, realizedPnl: 0))
        }
    }

    /// Reduce-only: closes at most what the side holds, and nothing when it holds nothing.
    /// (Always inlined into the walk's two calls, each with its kind's constants.)
    @inline(__always) mutating func fillExit(_ pair: ExitPair, price: Double, maker: Bool, reason: FillReason, index: Int) {
        let average = pair.side == .long ? long.averagePrice : short.averagePrice
        let quantity = pair.side == .long ? long.reduce(pair.quantity) : short.reduce(pair.quantity)
        guard quantity > 0 else { return }
        let direction = pair.side == .long ? 1.0 : -1.0
        let realized = direction * (price - average) * quantity
        let fee = quantity * price * (maker ? exchange.makerFee : exchange.takerFee)
        balance += realized - fee
        activity.feesPaid += fee
        if maker { activity.makerFills += 1 } else { activity.takerFills += 1 }
        fillCount += 1
        let entryFeeShare = pair.entryFee * quantity / pair.quantity
        recordRoundTrip(RoundTrip(
            side: pair.side, entryTime: pair.entryTime, exitTime: columns.openTimes[index], entryPrice: pair.entryPrice,
            exitPrice: price, quantity: quantity, pnl: direction * (price - pair.entryPrice) * quantity - entryFeeShare - fee))
        if engine.recordEvents {
            fills.append(Fill(
                orderID: pair.id, time: columns.openTimes[index], side: pair.side, isBuy: pair.side == .short, price: price,
                quantity: quantity, fee: fee, isMaker: maker, reason: reason, realizedPnl: realized))
        }
    }

    /// Counts a round trip for the metrics, and keeps it when events are recorded.
    @inline(__always) mutating func recordRoundTrip(_ trip: RoundTrip) {
        roundTripStatistics.add(trip)
        if engine.recordEvents { roundTrips.append(trip) }
    }

    mutating func recordOrder(_ entry: Entry, _ kind: OrderEvent.Kind, time: Int64) {
        guard engine.recordEvents else { return }
        orders.append(OrderEvent(
            orderID: entry.id, time: time, kind: kind, side: entry.side, isBuy: entry.side == .long, level: entry.level,
            price: entry.price, quantity: entry.quantity))
    }
}
