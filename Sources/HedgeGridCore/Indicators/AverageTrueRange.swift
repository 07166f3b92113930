/// ATR(n) with Wilder smoothing: the first value is the mean of the first n true ranges,
/// then atr = (atr * (n - 1) + tr) / n. The first bar's true range is its high - low.
public struct AverageTrueRange: Sendable, Equatable {
    public let period: Int
    public private(set) var value: Double = 0
    private var previousClose: Double?
    private var count = 0
    private var seedSum = 0.0

    public init(period: Int) {
        precondition(period >= 1, "ATR period must be >= 1")
        self.period = period
    }

    public var isWarm: Bool { count >= period }

    /// The true range of a bar given the previous close: the largest of high - low, |high - close|
    /// and |low - close|. (Written as two comparisons, each one `maxsd`, as `Double.larger`: the
    /// standard library's `max` keeps the second of equal values, which compiles to a compare and a
    /// blend. The terms are never -0, so the value is the same.)
    @inlinable
    public static func trueRange(high: Double, low: Double, previousClose: Double?) -> Double {
        guard let previousClose else { return high - low }
        let (range, up, down) = (high - low, abs(high - previousClose), abs(low - previousClose))
        let larger = up > range ? up : range
        return down > larger ? down : larger
    }

    @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        let range = Self.trueRange(high: high, low: low, previousClose: previousClose)
        previousClose = close
        if count < period {
            seedSum += range
            count += 1
            if count == period { value = seedSum / Double(period) }
            return count == period ? value : nil
        }
        value = (value * Double(period - 1) + range) / Double(period)
        return value
    }
}
