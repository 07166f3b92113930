import HedgeGridCore

/// A finished backtest: the result, what it ran on, and where its files are.
public struct BacktestReport: Sendable {
    public var runID: String
    public var strategy: StrategyConfig
    public var backtest: BacktestConfig
    public var result: BacktestResult
    /// `<report_dir>/<run_id>`, or nil when no files were written.
    public var directory: String?
    public var artifacts: [String]
    public var warnings: [String]
    public var elapsedMilliseconds: Double
}
