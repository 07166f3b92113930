/// Why an order was filled.
public enum FillReason: String, Sendable, Equatable, Codable {
    case entry, takeProfit = "take_profit", stopLoss = "stop_loss", liquidation
}

/// One execution in the simulator.
public struct Fill: Sendable, Equatable {
    public var orderID: Int64
    /// Bar open time of the bar in which it filled (UTC ms).
    public var time: Int64
    public var side: PositionSide
    /// True for a buy.
    public var isBuy: Bool
    public var price: Double
    public var quantity: Double
    public var fee: Double
    public var isMaker: Bool
    public var reason: FillReason
    /// Realised PnL of a reducing fill (before fees), 0 for entries.
    public var realizedPnl: Double
}

/// What happened to an order, for `orders.csv`.
public struct OrderEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, Codable {
        case placed, cancelled, rejectedPostOnly = "rejected_post_only", filled
    }

    public var orderID: Int64
    public var time: Int64
    public var kind: Kind
    public var side: PositionSide
    public var isBuy: Bool
    public var level: Int
    public var price: Double
    public var quantity: Double
}
