/// The simulated venue: fees, leverage, margin, filters and fill realism.
public struct ExchangeSettings: Sendable, Equatable {
    public var startingBalance: Double
    public var leverage: Double
    /// Fee rates as fractions of notional (2 bps = 0.0002).
    public var makerFee: Double
    public var takerFee: Double
    /// Maintenance margin as a fraction of notional.
    public var maintenanceMarginRate: Double
    public var filters: InstrumentFilters
    /// A limit fills only when the price passes it by this many bps (queue realism); 0 = touch.
    public var tradeThroughBps: Double

    public init(
        startingBalance: Double = 10_000, leverage: Double = 1, makerFee: Double = 0.0002, takerFee: Double = 0.0005,
        maintenanceMarginRate: Double = 0.004, filters: InstrumentFilters = InstrumentFilters(tickSize: 0.001, stepSize: 0.1, minQty: 0.1, minNotional: 5),
        tradeThroughBps: Double = 0
    ) {
        self.startingBalance = startingBalance
        self.leverage = leverage
        self.makerFee = makerFee
        self.takerFee = takerFee
        self.maintenanceMarginRate = maintenanceMarginRate
        self.filters = filters
        self.tradeThroughBps = tradeThroughBps
    }
}
