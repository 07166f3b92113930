/// Market trades (Binance aggTrades or trades) as struct-of-arrays, in time order: when loaded,
/// fills follow the trade prices instead of a bar's assumed path.
public struct TradeSeries: Sendable, Equatable {
    /// UTC epoch milliseconds, non-decreasing (several trades can share a millisecond).
    public var times: [Int64]
    public var prices: [Double]

    public init(times: [Int64] = [], prices: [Double] = []) {
        precondition(times.count == prices.count, "one price per time")
        self.times = times
        self.prices = prices
    }

    public var count: Int { times.count }
    public var isEmpty: Bool { times.isEmpty }

    public mutating func append(time: Int64, price: Double) {
        times.append(time)
        prices.append(price)
    }

    /// The index of the first trade at or after `time` (binary search).
    public func firstIndex(atOrAfter time: Int64) -> Int {
        times.firstIndex(atOrAfter: time)
    }
}
