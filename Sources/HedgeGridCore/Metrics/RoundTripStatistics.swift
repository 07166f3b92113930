/// What the metrics need of the round trips, gathered one trip at a time in the order they close,
/// with the same additions in the same order as summing the list: the same numbers, bit for bit,
/// without keeping the list (an optimizer trial keeps none).
public struct RoundTripStatistics: Sendable, Equatable {
    public private(set) var count = 0
    /// Trips with a positive net result.
    public private(set) var wins = 0
    /// Sum of the positive results.
    public private(set) var grossWin = 0.0
    /// Sum of the negative results, as a positive number.
    public private(set) var grossLoss = 0.0
    /// Sum of all results.
    public private(set) var netPnl = 0.0

    public init() {}

    /// The statistics of a list of trips.
    public init(_ trips: [RoundTrip]) {
        for trip in trips { add(trip) }
    }

    /// Counts one more trip.
    public mutating func add(_ trip: RoundTrip) {
        count += 1
        netPnl += trip.pnl
        if trip.pnl > 0 {
            wins += 1
            grossWin += trip.pnl
        } else if trip.pnl < 0 {
            grossLoss -= trip.pnl
        }
    }
}
