/// How the ladders are trimmed in a trend (spec section 2, step 6).
public enum PlacementPolicy: String, Sendable, Equatable, Codable {
    /// The counter-trend side keeps its nearest `counterLevels` rungs at qty * counterQtyScale.
    case throttledCounter = "throttled-counter"
    /// As throttled-counter, and the trend side is cut to `counterLevels` rungs at full qty.
    case coreAndScalp = "core-and-scalp"

    /// The side that trades against the trend: SHORT in an up trend, LONG in a down trend.
    public static func counterSide(in regime: Regime) -> PositionSide? {
        switch regime {
        case .up: return .short
        case .down: return .long
        case .sideways: return nil
        }
    }

    /// Trims `ladder` for `regime`; rungs whose scaled quantity falls under the filters are dropped and counted.
    public func apply(to ladder: inout GridLadder, regime: Regime, counterLevels: Int, counterQuantityScale: Double, filters: InstrumentFilters) {
        guard let counter = Self.counterSide(in: regime) else { return }
        func throttle(_ rungs: [GridRung]) -> [GridRung] {
            var kept: [GridRung] = []
            for rung in rungs.prefix(counterLevels) {
                let quantity = filters.floorQuantity(rung.quantity * counterQuantityScale)
                if quantity < filters.minQty || quantity <= 0 || quantity * rung.price < filters.minNotional {
                    ladder.dropped += 1
                } else {
                    kept.append(GridRung(side: rung.side, level: rung.level, price: rung.price, quantity: quantity))
                }
            }
            return kept
        }
        if counter == .short {
            ladder.short = throttle(ladder.short)
            if self == .coreAndScalp { ladder.long = Array(ladder.long.prefix(counterLevels)) }
        } else {
            ladder.long = throttle(ladder.long)
            if self == .coreAndScalp { ladder.short = Array(ladder.short.prefix(counterLevels)) }
        }
    }
}
