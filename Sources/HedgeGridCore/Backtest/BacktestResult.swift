/// Everything a backtest produced.
public struct BacktestResult: Sendable {
    public var metrics: PerformanceMetrics
    public var equity: EquityCurve
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
