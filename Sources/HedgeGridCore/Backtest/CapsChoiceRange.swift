/// The mids (closes) at which the caps are certain to keep the last reconciled rungs, worked out once
/// for a stretch of quiet bars (positions and cash fixed), so a bar whose mid lies inside skips the
/// caps' test: while every wanted rung is taken, the test that they all still fit (the general
/// path's first one); while a cap leaves a rung out, the caps' choice, which such a bar would
/// otherwise run in full (`Simulation.capsChoice`).
///
/// With positions and cash fixed, equity, the caps and the held notionals are all linear in mid, so
/// each of the comparisons is a linear function of mid that must keep its sign. Every bound keeps a
/// margin of 1e-12 of the magnitudes involved from where the sign turns, far wider than the
/// rounding of the exact comparisons; the range is also kept within half and twice the mid it is
/// worked out at, which bounds those magnitudes.
struct CapsChoiceRange: Equatable {
    var low: Double
    var high: Double

    /// Relative margin kept from where a comparison turns.
    static let margin = 1e-12
    /// No mid. (Computed: a stored static is a lazy global, and on Linux every read of one calls
    /// `swift_once`, on the quiet loop's path.)
    static var empty: CapsChoiceRange { CapsChoiceRange(low: .infinity, high: -.infinity) }

    init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// Whether `mid` lies strictly inside.
    @inline(__always) func contains(_ mid: Double) -> Bool { mid > low && mid < high }

    /// The range in which every wanted rung still fits, the sides' chosen notionals being
    /// `longNotional` and `shortNotional`: held + chosen within each side's cap, and both sides'
    /// held + chosen within the margin. `capFraction` nil: no position cap.
    init(
        allTakenWith longNotional: Double, _ shortNotional: Double, cash: Double, long: SidePosition, short: SidePosition, capFraction: Double?,
        leverage: Double, mid: Double
    ) {
        self = .empty
        guard var builder = Builder(cash: cash, long: long, short: short, capFraction: capFraction, leverage: leverage, mid: mid, notionals: longNotional + shortNotional)
        else { return }
        if let capFraction {
            builder.require(builder.capTest(taken: longNotional, held: long.quantity, capFraction: capFraction), positive: false)
            builder.require(builder.capTest(taken: shortNotional, held: short.quantity, capFraction: capFraction), positive: false)
        }
        builder.require(builder.marginTest(taken: longNotional + shortNotional), positive: false)
        self = builder.range
    }

    /// The range for the choice `SelectionBuffers.previous` among the wanted rungs of `buffers`;
    /// empty when that choice takes every wanted rung (then the other initializer applies), when it is
    /// not a choice among them, or when `mid` is not a positive price. `capFraction` nil: no position cap.
    init(buffers: SelectionBuffers, cash: Double, long: SidePosition, short: SidePosition, capFraction: Double?, leverage: Double, mid: Double) {
        self = .empty
        guard buffers.wantedCount >= 0, buffers.previousCount >= 0 else { return }
        var notionalSum = 0.0
        for offset in 0..<buffers.wantedCount { notionalSum += abs(buffers.wantedNotionals[offset]) }
        guard var builder = Builder(cash: cash, long: long, short: short, capFraction: capFraction, leverage: leverage, mid: mid, notionals: notionalSum)
        else { return }
        var leavesOut = false
        var marginTaken = 0.0
        for side in 0..<2 {
            let quantity = side == 0 ? long.quantity : short.quantity
            let wanted = side == 0 ? 0..<buffers.wantedLongCount : buffers.wantedLongCount..<buffers.wantedCount
            var previous = side == 0 ? 0 : buffers.previousLongCount
            let previousEnd = side == 0 ? buffers.previousLongCount : buffers.previousCount
            var sideTaken = 0.0
            for offset in wanted {
                let notional = buffers.wantedNotionals[offset]
                // held + taken + notional > cap, and held (both sides) + taken + notional > margin cap, as a + b * mid > 0.
                let capTest = capFraction.map { builder.capTest(taken: notional + sideTaken, held: quantity, capFraction: $0) }
                let marginTest = builder.marginTest(taken: notional + marginTaken)
                if previous < previousEnd && buffers.previous[previous] == buffers.wantedPositions[offset] {
                    // Taken: neither test may turn.
                    if let capTest { builder.require(capTest, positive: false) }
                    builder.require(marginTest, positive: false)
                    sideTaken += notional
                    marginTaken += notional
                    previous += 1
                } else {
                    // Left out: the test that leaves it out by more at this mid must keep doing so.
                    let byCap = capTest.map { $0.a + $0.b * mid >= marginTest.a + marginTest.b * mid } ?? false
                    builder.require(byCap ? capTest! : marginTest, positive: true)
                    leavesOut = true
                }
            }
            guard previous == previousEnd else { return }  // `previous` is not a choice among the wanted rungs
        }
        if leavesOut { self = builder.range }
    }

    /// Linear constraints on mid, narrowing [mid / 2, 2 mid].
    private struct Builder {
        /// Equity = value0 + slope * mid.
        let value0: Double
        let slope: Double
        let heldSlope: Double
        let leverage: Double
        let tolerance: Double
        var range: CapsChoiceRange

        /// nil when the account's magnitudes are not finite or `mid` is not a positive price.
        /// `notionals`: the largest sum of rung notionals the tests add.
        init?(cash: Double, long: SidePosition, short: SidePosition, capFraction: Double?, leverage: Double, mid: Double, notionals: Double) {
            guard mid > 0, mid.isFinite, leverage.isFinite, capFraction?.isFinite ?? true else { return nil }
            value0 = cash - long.quantity * long.averagePrice + short.quantity * short.averagePrice
            slope = long.quantity - short.quantity
            heldSlope = long.quantity + short.quantity
            self.leverage = leverage
            let top = 2 * mid
            let valueMagnitude = abs(cash) + long.quantity * (top + long.averagePrice) + short.quantity * (short.averagePrice + top)
            tolerance = CapsChoiceRange.margin * (valueMagnitude * max(capFraction ?? 0, leverage, 1) + abs(notionals) + heldSlope * top)
            guard tolerance.isFinite, value0.isFinite, slope.isFinite else { return nil }
            range = CapsChoiceRange(low: mid / 2, high: top)
            // Equity stays positive (the margin cap is leverage times it).
            require((value0, slope), positive: true)
        }

        /// One side's held (`held` times mid) + `taken` > its cap, as a + b * mid > 0.
        func capTest(taken: Double, held: Double, capFraction: Double) -> (a: Double, b: Double) {
            (taken - capFraction * value0, held - capFraction * slope)
        }

        /// Both sides' held + `taken` > the margin cap, as a + b * mid > 0 (equity positive).
        func marginTest(taken: Double) -> (a: Double, b: Double) {
            (taken - leverage * value0, heldSlope - leverage * slope)
        }

        /// Narrows the range to the mids where a + b * mid > tolerance (`positive`) or < -tolerance.
        mutating func require(_ test: (a: Double, b: Double), positive: Bool) {
            let bound = positive ? tolerance - test.a : -tolerance - test.a  // b * mid must be above it, or below it
            if test.b == 0 {
                if positive ? !(0 > bound) : !(0 < bound) { range = .empty }
            } else if (test.b > 0) == positive {
                range.low = max(range.low, bound / test.b)
            } else {
                range.high = min(range.high, bound / test.b)
            }
        }
    }
}
