/// EMA(n): smoothing k = 2/(n+1), seeded with the simple average of the first n values.
public struct ExponentialMovingAverage: Sendable, Equatable {
    public let period: Int
    public private(set) var value: Double = 0
    private let smoothing: Double
    private var count = 0
    private var seedSum = 0.0

    public init(period: Int) {
        precondition(period >= 1, "EMA period must be >= 1")
        self.period = period
        self.smoothing = 2.0 / Double(period + 1)
    }

    /// True once `period` values have been seen.
    public var isWarm: Bool { count >= period }

    /// Adds a value; returns the EMA once warm, else nil.
    @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        if count < period {
            seedSum += x
            count += 1
            if count == period { value = seedSum / Double(period) }
            return count == period ? value : nil
        }
        value += smoothing * (x - value)
        return value
    }
}
