/// The mids (closes) at which the caps are certain to choose the last reconciled rungs again, while a
/// cap leaves at least one wanted rung out: worked out once for a stretch of quiet bars (positions
/// and cash fixed), so a bar whose mid lies inside skips the caps' choice, which such a bar would
/// otherwise run in full (`Simulation.capsChoice`).
///
/// With positions and cash fixed, equity, the caps and the held notionals are all linear in mid, so
/// each of the choice's comparisons is a linear function of mid that must keep its sign. Every bound
/// keeps a margin of 1e-12 of the magnitudes involved from where the sign turns, far wider than the
/// rounding of the exact comparisons; the range is also kept within half and twice the mid it is
/// worked out at, which bounds those magnitudes.
struct CapsChoiceRange: Equatable {
    var low: Double
    var high: Double

    /// Relative margin kept from where a comparison turns.
    static let margin = 1e-12
    static let empty = CapsChoiceRange(low: .infinity, high: -.infinity)

    init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// The range for the choice `SelectionBuffers.previous` among the wanted rungs of `buffers`;
    /// empty when that choice takes every wanted rung (no cap binds: nothing to skip), when it is not
    /// a choice among them, or when `mid` is not a positive price. `capFraction` nil: no position cap.
    init(buffers: SelectionBuffers, cash: Double, long: SidePosition, short: SidePosition, capFraction: Double?, leverage: Double, mid: Double) {
        self = .empty
        guard buffers.wantedCount >= 0, buffers.previousCount >= 0, mid > 0, mid.isFinite else { return }
        let (longQuantity, shortQuantity) = (long.quantity, short.quantity)
        // Equity = value0 + slope * mid; the side caps are capFraction times it, the margin leverage times it.
        let value0 = cash - longQuantity * long.averagePrice + shortQuantity * short.averagePrice
        let slope = longQuantity - shortQuantity
        let top = 2 * mid
        var notionalSum = 0.0
        for offset in 0..<buffers.wantedCount { notionalSum += abs(buffers.wantedNotionals[offset]) }
        let valueMagnitude = abs(cash) + longQuantity * (top + long.averagePrice) + shortQuantity * (short.averagePrice + top)
        let tolerance = Self.margin * (valueMagnitude * max(capFraction ?? 0, leverage, 1) + notionalSum + (longQuantity + shortQuantity) * top)
        guard tolerance.isFinite, value0.isFinite, slope.isFinite, leverage.isFinite, capFraction?.isFinite ?? true else { return }
        var (low, high) = (mid / 2, top)
        /// Narrows the range to the mids where a + b * mid > tolerance (`positive`) or < -tolerance.
        func require(_ test: (a: Double, b: Double), positive: Bool) {
            let bound = positive ? tolerance - test.a : -tolerance - test.a  // b * mid must be above it, or below it
            if test.b == 0 {
                if positive ? !(0 > bound) : !(0 < bound) { (low, high) = (.infinity, -.infinity) }
            } else if (test.b > 0) == positive {
                low = max(low, bound / test.b)
            } else {
                high = min(high, bound / test.b)
            }
        }
        // Equity stays positive (the margin cap is leverage times it).
        require((value0, slope), positive: true)
        var leavesOut = false
        var marginTaken = 0.0
        for side in 0..<2 {
            let quantity = side == 0 ? longQuantity : shortQuantity
            let wanted = side == 0 ? 0..<buffers.wantedLongCount : buffers.wantedLongCount..<buffers.wantedCount
            var previous = side == 0 ? 0 : buffers.previousLongCount
            let previousEnd = side == 0 ? buffers.previousLongCount : buffers.previousCount
            var sideTaken = 0.0
            for offset in wanted {
                let notional = buffers.wantedNotionals[offset]
                // held + taken + notional > cap, and held (both sides) + taken + notional > margin cap, as a + b * mid > 0.
                let capTest = capFraction.map { (a: notional + sideTaken - $0 * value0, b: quantity - $0 * slope) }
                let marginTest = (a: notional + marginTaken - leverage * value0, b: longQuantity + shortQuantity - leverage * slope)
                if previous < previousEnd && buffers.previous[previous] == buffers.wantedPositions[offset] {
                    // Taken: neither test may turn.
                    if let capTest { require(capTest, positive: false) }
                    require(marginTest, positive: false)
                    sideTaken += notional
                    marginTaken += notional
                    previous += 1
                } else {
                    // Left out: the test that leaves it out by more at this mid must keep doing so.
                    let byCap = capTest.map { $0.a + $0.b * mid >= marginTest.a + marginTest.b * mid } ?? false
                    require(byCap ? capTest! : marginTest, positive: true)
                    leavesOut = true
                }
            }
            guard previous == previousEnd else { return }  // `previous` is not a choice among the wanted rungs
        }
        guard leavesOut, low < high else { return }
        (self.low, self.high) = (low, high)
    }

    /// Whether `mid` lies strictly inside.
    @inline(__always) func contains(_ mid: Double) -> Bool { mid > low && mid < high }
}
