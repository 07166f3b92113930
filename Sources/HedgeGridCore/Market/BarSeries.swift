/// 1-minute bars as struct-of-arrays, oldest first. A bar is known at its close
/// (`openTime + 59,999 ms`); `openTimes` are UTC epoch milliseconds.
public struct BarSeries: Sendable, Equatable {
    public var openTimes: [Int64]
    public var open: [Double]
    public var high: [Double]
    public var low: [Double]
    public var close: [Double]
    /// Bar length in milliseconds (60,000 for 1-minute bars).
    public var intervalMs: Int64

    public init(openTimes: [Int64] = [], open: [Double] = [], high: [Double] = [], low: [Double] = [], close: [Double] = [], intervalMs: Int64 = 60_000) {
        precondition([open.count, high.count, low.count, close.count].allSatisfy { $0 == openTimes.count }, "columns must have one value per bar")
        self.openTimes = openTimes
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.intervalMs = intervalMs
    }

    public var count: Int { openTimes.count }
    public var isEmpty: Bool { openTimes.isEmpty }

    public mutating func append(openTime: Int64, open o: Double, high h: Double, low l: Double, close c: Double) {
        openTimes.append(openTime)
        open.append(o)
        high.append(h)
        low.append(l)
        close.append(c)
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        openTimes.reserveCapacity(capacity)
        open.reserveCapacity(capacity)
        high.reserveCapacity(capacity)
        low.reserveCapacity(capacity)
        close.reserveCapacity(capacity)
    }

    /// The close time of bar `index` (the moment it becomes known).
    @inlinable public func closeTime(_ index: Int) -> Int64 { openTimes[index] + intervalMs - 1 }

    /// The index of the first bar opening at or after `time` (binary search).
    public func firstIndex(openingAtOrAfter time: Int64) -> Int {
        openTimes.firstIndex(atOrAfter: time)
    }

    /// A seeded geometric random walk, for benchmarks and tests when no real data is at hand.
    public static func randomWalk(count: Int, start: Int64 = 1_704_067_200_000, price: Double = 100, volatility: Double = 0.0008, seed: UInt64 = 1) -> BarSeries {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var series = BarSeries()
        series.reserveCapacity(count)
        var last = price
        for index in 0..<count {
            let open = last
            let close = open * (1 + (uniform() - 0.5) * 2 * volatility)
            let high = max(open, close) * (1 + uniform() * volatility)
            let low = min(open, close) * (1 - uniform() * volatility)
            series.append(openTime: start + Int64(index) * 60_000, open: open, high: high, low: low, close: close)
            last = close
        }
        return series
    }
}
