import HedgeGridCore
import HedgeGridOptimization

/// A trial's metrics with its score, components and constraint check.
public struct TrialScore: Sendable, Equatable {
    public var metrics: PerformanceMetrics
    public var score: Double
    public var components: [String: Double]
    public var violations: [TrialConstraints.Violation]
    public var feasible: Bool
    /// 0 when feasible, else the total shortfall.
    public var violation: Double

    /// A score given directly (synthetic objectives in tests and benchmarks).
    public init(metrics: PerformanceMetrics, score: Double, components: [String: Double] = [:], violations: [TrialConstraints.Violation] = [], feasible: Bool = true) {
        self.metrics = metrics
        self.score = score
        self.components = components
        self.violations = violations
        self.feasible = feasible
        self.violation = feasible ? 0 : violations.reduce(0) { $0 + $1.shortfall }
    }

    public init(metrics: PerformanceMetrics, score function: ScoreFunction, constraints: TrialConstraints) {
        self.metrics = metrics
        let objective = ObjectiveMetrics(
            sharpe: metrics.sharpe, profitPct: metrics.totalReturnPct, calmar: metrics.calmar, maxDrawdownPct: metrics.maxDrawdownPct,
            trades: metrics.roundTrips, winRatePct: metrics.winRatePct, profitFactor: metrics.profitFactor)
        (score, components) = function.score(objective)
        violations = constraints.violations(objective)
        feasible = constraints.isFeasible(violations)
        violation = constraints.samplerViolation(violations)
    }
}
