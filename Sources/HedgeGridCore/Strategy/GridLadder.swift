/// The side of a hedge-mode position or rung.
public enum PositionSide: String, Sendable, Equatable, Codable, BitwiseCopyable {
    case long = "LONG"
    case short = "SHORT"
}

/// One desired entry order of the grid.
public struct GridRung: Sendable, Equatable {
    public var side: PositionSide
    /// 1 is nearest the centre.
    public var level: Int
    public var price: Double
    public var quantity: Double

    public init(side: PositionSide, level: Int, price: Double, quantity: Double) {
        self.side = side
        self.level = level
        self.price = price
        self.quantity = quantity
    }
}

/// The long and short ladders around a grid centre (spec section 2, step 5).
public struct GridLadder: Sendable, Equatable {
    public var center: Double
    /// centre * grid_step_bps / 1e4.
    public var step: Double
    public var long: [GridRung]
    public var short: [GridRung]
    /// Rungs dropped because they fell below min qty or min notional after rounding.
    public var dropped: Int

    /// Builds arithmetic ladders: long rung i at centre - i*step, short rung i at centre + i*step,
    /// quantity baseQty * qtyScale^(i-1); prices rounded to the tick, quantities floored to the
    /// step; rungs under min qty or min notional (or at a non-positive price) are dropped and counted.
    public init(
        center: Double, stepBps: Double, levelsLong: Int, levelsShort: Int, baseQuantity: Double, quantityScale: Double,
        filters: InstrumentFilters
    ) {
        let step = center * stepBps / 1e4
        var dropped = 0
        func rungs(_ side: PositionSide, _ count: Int) -> [GridRung] {
            var result: [GridRung] = []
            result.reserveCapacity(count)
            var quantity = baseQuantity
            for level in 1...max(count, 1) where count > 0 {
                let raw = side == .long ? center - Double(level) * step : center + Double(level) * step
                let price = filters.roundPrice(raw)
                let rounded = filters.floorQuantity(quantity)
                if price <= 0 || rounded < filters.minQty || rounded <= 0 || price * rounded < filters.minNotional {
                    dropped += 1
                } else {
                    result.append(GridRung(side: side, level: level, price: price, quantity: rounded))
                }
                quantity *= quantityScale
            }
            return result
        }
        let long = rungs(.long, levelsLong)
        let short = rungs(.short, levelsShort)
        self.center = center
        self.step = step
        self.long = long
        self.short = short
        self.dropped = dropped
    }
}
