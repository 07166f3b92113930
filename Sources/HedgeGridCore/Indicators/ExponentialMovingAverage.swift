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

extension ExponentialMovingAverage {
    /// The EMA after every value of `values` (the same numbers, bit for bit, as `update` one value
    /// at a time); entries before the first `period` values are not defined and hold 0.
    public static func series(_ values: [Double], period: Int) -> [Double] {
        precondition(period >= 1, "EMA period must be >= 1")
        let count = values.count
        let smoothing = 2.0 / Double(period + 1)
        return [Double](unsafeUninitializedCapacity: count) { output, initialized in
            values.withUnsafeBufferPointer { input in
                var seedSum = 0.0
                var value = 0.0
                for index in 0..<count {
                    if index < period {
                        seedSum += input[index]
                        if index == period - 1 { value = seedSum / Double(period) }
                    } else {
                        value += smoothing * (input[index] - value)
                    }
                    output[index] = value
                }
            }
            initialized = count
        }
    }
}
