/// An entry fill closed by its exit (take profit, stop, liquidation or the end of the run).
public struct RoundTrip: Sendable, Equatable {
    public var side: PositionSide
    public var entryTime: Int64
    public var exitTime: Int64
    public var entryPrice: Double
    public var exitPrice: Double
    public var quantity: Double
    /// Net of fees (and of the funding attributed to it, when known).
    public var pnl: Double

    public init(side: PositionSide, entryTime: Int64, exitTime: Int64, entryPrice: Double, exitPrice: Double, quantity: Double, pnl: Double) {
        self.side = side
        self.entryTime = entryTime
        self.exitTime = exitTime
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.quantity = quantity
        self.pnl = pnl
    }
}
