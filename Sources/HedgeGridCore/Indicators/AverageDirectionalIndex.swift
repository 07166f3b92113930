/// ADX(n), Wilder's method. From the second bar on, each bar gives +DM, -DM and a true range;
/// their Wilder sums start as the plain sum of the first n and continue as S - S/n + x. Each bar
/// from then on gives DX = 100 * |+DI - -DI| / (+DI + -DI). ADX is the mean of the first n DX
/// values, then (adx * (n - 1) + dx) / n: warm after 2n bars.
public struct AverageDirectionalIndex: Sendable, Equatable {
    public let period: Int
    public private(set) var value: Double = 0
    public private(set) var plusDI: Double = 0
    public private(set) var minusDI: Double = 0
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
    }

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
            smoothedRange = smoothedRange - smoothedRange / n + range
            smoothedPlus = smoothedPlus - smoothedPlus / n + plusMove
            smoothedMinus = smoothedMinus - smoothedMinus / n + minusMove
        }
        plusDI = smoothedRange > 0 ? 100 * smoothedPlus / smoothedRange : 0
        minusDI = smoothedRange > 0 ? 100 * smoothedMinus / smoothedRange : 0
        let total = plusDI + minusDI
        let dx = total > 0 ? 100 * abs(plusDI - minusDI) / total : 0
        if dxCount < period {
            dxSum += dx
            dxCount += 1
            if dxCount == period { value = dxSum / n }
            return dxCount == period ? value : nil
        }
        value = (value * (n - 1) + dx) / n
        return value
    }
}
