/// The exchange's order filters for one instrument (from exchangeInfo or the config).
public struct InstrumentFilters: Sendable, Equatable, Codable {
    public var tickSize: Double
    public var stepSize: Double
    public var minQty: Double
    public var minNotional: Double

    public init(tickSize: Double, stepSize: Double, minQty: Double, minNotional: Double) {
        precondition(tickSize > 0 && stepSize > 0, "tick and step sizes must be positive")
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.minQty = minQty
        self.minNotional = minNotional
    }

    /// The price rounded to the nearest tick.
    @inlinable public func roundPrice(_ price: Double) -> Double {
        (price / tickSize).rounded() * tickSize
    }

    /// The quantity floored to the step (with a tolerance for binary representation).
    @inlinable public func floorQuantity(_ quantity: Double) -> Double {
        (quantity / stepSize + 1e-9).rounded(.down) * stepSize
    }
}
