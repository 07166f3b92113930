/// One pass of ADX(n) over a whole bar series, bar after bar, in `AverageDirectionalIndex`'s
/// arithmetic (Wilder sums of +DM and -DM, DX, the ADX as their mean and then smoothed):
/// `AverageDirectionalIndex.series` is this pass written out, and the regime pass of a single
/// backtest runs it alongside the EMAs instead of keeping a series. The true range cancels out of
/// DX, so the pass does not compute it (see `AverageDirectionalIndex.dx`).
struct AverageDirectionalIndexPass {
    let period: Int
    /// 1 - 1/n and 1/n.
    private let keep: Double
    private let reciprocal: Double
    private var smoothedPlus = 0.0
    private var smoothedMinus = 0.0
    private var dxSum = 0.0
    private var value = 0.0

    init(period: Int) {
        precondition(period >= 1, "ADX period must be >= 1")
        self.period = period
        keep = 1 - 1 / Double(period)
        reciprocal = 1 / Double(period)
    }

    /// The ADX after bar `index` (0 until it is warm, after bar 2n - 1), given the bars' highs and
    /// lows; called for index 0, 1, 2, ... in turn.
    @inline(__always)
    mutating func step(_ index: Int, high: UnsafePointer<Double>, low: UnsafePointer<Double>) -> Double {
        index >= 2 * period ? steadyStep(index, high: high, low: low) : warmingStep(index, high: high, low: low)
    }

    /// `step` from bar 2n on, where every bar smooths the sums and the ADX alike.
    @inline(__always)
    mutating func steadyStep(_ index: Int, high: UnsafePointer<Double>, low: UnsafePointer<Double>) -> Double {
        let move = Self.movement(index, high: high, low: low)
        smoothedPlus = smoothedPlus * keep + move.plus
        smoothedMinus = smoothedMinus * keep + move.minus
        value = value * keep + AverageDirectionalIndex.dx(plus: smoothedPlus, minus: smoothedMinus) * reciprocal
        return value
    }

    /// `step` before bar 2n: plain sums of the first n movements, then Wilder sums with the DX
    /// values summed; their mean is the ADX's first value, at bar 2n - 1.
    private mutating func warmingStep(_ index: Int, high: UnsafePointer<Double>, low: UnsafePointer<Double>) -> Double {
        guard index > 0 else { return 0 }
        let move = Self.movement(index, high: high, low: low)
        if index <= period {
            smoothedPlus += move.plus
            smoothedMinus += move.minus
            guard index == period else { return 0 }
        } else {
            smoothedPlus = smoothedPlus * keep + move.plus
            smoothedMinus = smoothedMinus * keep + move.minus
        }
        dxSum += AverageDirectionalIndex.dx(plus: smoothedPlus, minus: smoothedMinus)
        if index == 2 * period - 1 { value = dxSum / Double(period) }
        return value
    }

    /// Bar `index`'s +DM and -DM (index >= 1).
    @inline(__always)
    private static func movement(_ index: Int, high: UnsafePointer<Double>, low: UnsafePointer<Double>)
        -> (plus: Double, minus: Double)
    {
        let up = high[index] - high[index &- 1]
        let down = low[index &- 1] - low[index]
        // `up > down && up > 0 ? up : 0` (and the same for down) as bit masks: which move wins is a
        // coin toss bar to bar, so a branch would be mispredicted about half the time.
        let plus = Self.keep(up, if: up > down, up > 0)
        let minus = Self.keep(down, if: down > up, down > 0)
        return (plus, minus)
    }

    /// `value` when both conditions hold, else 0, without a branch.
    @inline(__always)
    private static func keep(_ value: Double, if first: Bool, _ second: Bool) -> Double {
        let mask = 0 &- (UInt64(first ? 1 : 0) & UInt64(second ? 1 : 0))
        return Double(bitPattern: value.bitPattern & mask)
    }
}
