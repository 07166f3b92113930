/// Everything a backtest produced.
public struct BacktestResult: Sendable {
    public var metrics: PerformanceMetrics
    /// Every bar's equity; empty (no times) when the engine's `recordEquityCurve` is off.
    public var equity: EquityCurve
    /// Recorded only when `recordEvents` is on (the metrics count every round trip either way).
    public var roundTrips: [RoundTrip]
    /// Recorded only when `recordEvents` is on.
    public var fills: [Fill]
    public var orders: [OrderEvent]
    public var fillCount: Int
    public var droppedRungs: Int
    public var postOnlyRejections: Int
    public var liquidations: Int
    /// How many times a risk gate closed.
    public var riskHalts: Int
    /// Bars simulated (after warm-up).
    public var bars: Int
}

extension BacktestResult {
    /// A 64-bit FNV-1a hash of the metrics (every field, bit for bit), the equity curve (every bar's time and value, bit for bit), the round
    /// trips, the fills and the order events: two runs with the same fingerprint produced the same
    /// numbers. Used to check that a change to the engine's speed changed none of its outputs.
    public var fingerprint: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            var remaining = value
            for _ in 0..<8 {
                hash = (hash ^ (remaining & 0xff)) &* 0x0000_0100_0000_01b3
                remaining >>= 8
            }
        }
        func mix(_ value: Double) { mix(value.bitPattern) }
        func mix(_ value: Int64) { mix(UInt64(bitPattern: value)) }
        func mix(_ text: String) {
            for byte in text.utf8 { mix(UInt64(byte)) }
        }
        let m = metrics
        for value in [m.totalPnl, m.totalReturnPct, m.cagrPct ?? .nan, m.sharpe ?? .nan, m.sortino ?? .nan, m.maxDrawdownPct, m.calmar ?? .nan,
            m.winRatePct ?? .nan, m.profitFactor ?? .nan, m.averageTradePnl ?? .nan, m.feesPaid, m.fundingPaid, m.makerRatio ?? .nan, m.timeInMarketPct]
        {
            mix(value)
        }
        for count in [m.maxDrawdownDurationMs, Int64(m.roundTrips), Int64(m.liquidations)] { mix(count) }
        for (time, value) in zip(equity.times, equity.equity) {
            mix(time)
            mix(value)
        }
        for trip in roundTrips {
            mix(trip.side == .long ? 1 as UInt64 : 2)
            mix(trip.entryTime)
            mix(trip.exitTime)
            mix(trip.entryPrice)
            mix(trip.exitPrice)
            mix(trip.quantity)
            mix(trip.pnl)
        }
        for fill in fills {
            mix(fill.orderID)
            mix(fill.time)
            mix(fill.price)
            mix(fill.quantity)
            mix(fill.fee)
            mix(fill.realizedPnl)
            mix(fill.reason.rawValue)
        }
        for order in orders {
            mix(order.orderID)
            mix(order.time)
            mix(order.price)
            mix(order.quantity)
            mix(Int64(order.level))
            mix(order.kind.rawValue)
        }
        for count in [fillCount, droppedRungs, postOnlyRejections, liquidations, riskHalts, bars] { mix(UInt64(count)) }
        return hash
    }
}
