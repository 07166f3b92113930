import HedgeGridCore
import HedgeGridOptimization

/// One of a study's best trials re-run out of sample (the held-out end of the period, or another
/// backtest config), next to its in-sample figures.
public struct ValidationRecord: Sendable, Equatable, Codable {
    public var trialNumber: Int
    /// `holdout` or `validation`.
    public var period: String
    public var metrics: PerformanceMetrics
    public var score: Double
    public var feasible: Bool
    public var violations: [TrialConstraints.Violation]

    public init(trialNumber: Int, period: String, metrics: PerformanceMetrics, score: Double, feasible: Bool, violations: [TrialConstraints.Violation]) {
        self.trialNumber = trialNumber
        self.period = period
        self.metrics = metrics
        self.score = score
        self.feasible = feasible
        self.violations = violations
    }
}
