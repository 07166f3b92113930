/// The backtest figures a study's score and constraints are computed from.
public struct ObjectiveMetrics: Sendable, Equatable, Codable {
    public var sharpe: Double?
    /// Total return in percent of the starting balance.
    public var profitPct: Double
    public var calmar: Double?
    /// Maximum drawdown in percent (positive).
    public var maxDrawdownPct: Double
    public var trades: Int
    public var winRatePct: Double?
    public var profitFactor: Double?

    public init(sharpe: Double?, profitPct: Double, calmar: Double?, maxDrawdownPct: Double, trades: Int, winRatePct: Double?, profitFactor: Double?) {
        self.sharpe = sharpe
        self.profitPct = profitPct
        self.calmar = calmar
        self.maxDrawdownPct = maxDrawdownPct
        self.trades = trades
        self.winRatePct = winRatePct
        self.profitFactor = profitFactor
    }
}
