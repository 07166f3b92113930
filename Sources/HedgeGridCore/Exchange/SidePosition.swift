/// One side of a hedge-mode position (LONG or SHORT are separate).
public struct SidePosition: Sendable, Equatable {
    public var quantity = 0.0
    public var averagePrice = 0.0

    public init() {}

    /// Adds to the position at `price`.
    @inlinable public mutating func open(_ amount: Double, at price: Double) {
        let total = quantity + amount
        averagePrice = total > 0 ? (averagePrice * quantity + price * amount) / total : 0
        quantity = total
    }

    /// Removes up to `amount`; returns what was removed (never more than the position).
    @inlinable public mutating func reduce(_ amount: Double) -> Double {
        let removed = min(amount, quantity)
        quantity -= removed
        if quantity <= 1e-12 {
            quantity = 0
            averagePrice = 0
        }
        return removed
    }
}
