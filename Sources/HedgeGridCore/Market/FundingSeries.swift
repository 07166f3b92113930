/// The exchange's funding rates: settlement times (UTC ms, with the exchange's jitter) and rates per interval.
public struct FundingSeries: Sendable, Equatable {
    public var times: [Int64]
    public var rates: [Double]

    public init(times: [Int64] = [], rates: [Double] = []) {
        precondition(times.count == rates.count, "one rate per time")
        self.times = times
        self.rates = rates
    }

    public var count: Int { times.count }

    public mutating func append(time: Int64, rate: Double) {
        times.append(time)
        rates.append(rate)
    }

    /// Hours between settlements around `index` (8 unless the series says otherwise).
    public func intervalHours(at index: Int) -> Double {
        guard times.count >= 2 else { return 8 }
        let next = min(max(index, 1), times.count - 1)
        let hours = Double(times[next] - times[next - 1]) / 3_600_000
        // Round away the settlement jitter; fall back to 8 h for holes.
        let rounded = hours.rounded()
        return [1, 2, 4, 8].contains(rounded) ? rounded : 8
    }
}
