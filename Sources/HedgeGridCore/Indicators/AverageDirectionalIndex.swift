/// ADX(n), Wilder's method. From the second bar on, each bar gives +DM, -DM and a true range;
/// their Wilder sums start as the plain sum of the first n and continue as S - S/n + x. Each bar
/// from then on gives DX = 100 * |+DI - -DI| / (+DI + -DI). ADX is the mean of the first n DX
/// values, then (adx * (n - 1) + dx) / n: warm after 2n bars.
public struct AverageDirectionalIndex: Sendable, Equatable {
    public let period: Int
    public private(set) var value: Double = 0
    /// 1 - 1/n and 1/n, so the per-bar update multiplies instead of dividing.
    private let keep: Double
    private let reciprocal: Double
    private var previousHigh = 0.0
    private var previousLow = 0.0
    private var previousClose = 0.0
    private var hasPrevious = false
    private var movements = 0
    private var smoothedRange = 0.0
    private var smoothedPlus = 0.0
    private var smoothedMinus = 0.0
    private var dxCount = 0
    private var dxSum = 0.0

    public init(period: Int) {
        precondition(period >= 1, "ADX period must be >= 1")
        self.period = period
        self.reciprocal = 1 / Double(period)
        self.keep = 1 - 1 / Double(period)
    }

    /// +DI and -DI of the last bar (0 before the first smoothed value).
    public var plusDI: Double { smoothedRange > 0 && movements >= period ? 100 * smoothedPlus / smoothedRange : 0 }
    public var minusDI: Double { smoothedRange > 0 && movements >= period ? 100 * smoothedMinus / smoothedRange : 0 }

    /// True once the ADX has a value (after 2n bars).
    public var isWarm: Bool { dxCount >= period }

    @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        defer {
            previousHigh = high
            previousLow = low
            previousClose = close
            hasPrevious = true
        }
        guard hasPrevious else { return nil }
        let up = high - previousHigh
        let down = previousLow - low
        let plusMove = up > down && up > 0 ? up : 0
        let minusMove = down > up && down > 0 ? down : 0
        let range = AverageTrueRange.trueRange(high: high, low: low, previousClose: previousClose)
        let n = Double(period)
        movements += 1
        if movements <= period {
            smoothedRange += range
            smoothedPlus += plusMove
            smoothedMinus += minusMove
            if movements < period { return nil }
        } else {
            smoothedRange = smoothedRange * keep + range
            smoothedPlus = smoothedPlus * keep + plusMove
            smoothedMinus = smoothedMinus * keep + minusMove
        }
        let dx = Self.dx(plus: smoothedPlus, minus: smoothedMinus)
        if dxCount < period {
            dxSum += dx
            dxCount += 1
            if dxCount == period { value = dxSum / n }
            return dxCount == period ? value : nil
        }
        value = value * keep + dx * reciprocal
        return value
    }
}

extension AverageDirectionalIndex {
    /// DX = 100 |+DI - -DI| / (+DI + -DI) from the Wilder sums of +DM and -DM, 0 while both are 0.
    /// The smoothed true range divides both DIs, so it cancels out of the ratio. (It is also
    /// positive whenever the sums are: for bars whose close lies within their range, as the file
    /// readers check, a bar's true range is at least its +DM and its -DM, and rounding keeps that
    /// order through the sums; so the true range is never needed to tell that DX is 0.)
    @inline(__always)
    static func dx(plus: Double, minus: Double) -> Double {
        let total = plus + minus
        return total > 0 ? 100 * abs(plus - minus) / total : 0
    }

    /// The ADX after every bar (the same numbers, bit for bit, as `update` bar by bar); entries
    /// before it is warm (bar 2n - 1) are not defined and hold 0. (The closes give the bar count:
    /// the ADX itself needs only the highs and lows, as the true range cancels out of DX.)
    public static func series(high: [Double], low: [Double], close: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "ADX period must be >= 1")
        let count = close.count
        precondition(high.count == count && low.count == count, "ADX needs one high, low and close per bar")
        guard count > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: count) { output, initialized in
            high.withUnsafeBufferPointer { high in
                low.withUnsafeBufferPointer { low in
                    var pass = AverageDirectionalIndexPass(period: period)
                    for index in 0..<count {
                        output.baseAddress![index] = pass.step(index, high: high.baseAddress!, low: low.baseAddress!)
                    }
                }
            }
            initialized = count
        }
    }
}
