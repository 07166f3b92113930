import HedgeGridBacktest
import HedgeGridCore
import HedgeGridOptimization

/// Evaluates parameter sets over one loaded backtest period: applies them to the base strategy,
/// runs the engine (no event recording), and scores the metrics with the study's score and
/// constraints. Safe to call from many threads at once: the data is shared, read-only.
public struct TrialEvaluator: Sendable {
    /// What one evaluation gave.
    public enum Outcome: Sendable {
        case evaluated(TrialScore)
        /// The combination was not run (the reason says why).
        case rejected(String)
        /// `shouldStop` ended the run early.
        case stopped
    }

    public let base: HedgeGridParameters
    public let period: PreparedBacktest
    public let score: ScoreFunction
    public let constraints: TrialConstraints

    public init(base: HedgeGridParameters, period: PreparedBacktest, score: ScoreFunction, constraints: TrialConstraints) {
        self.base = base
        self.period = period
        self.score = score
        self.constraints = constraints
    }

    public func evaluate(_ values: [String: Double], shouldStop: () -> Bool = { false }) -> Outcome {
        let parameters: HedgeGridParameters
        switch TunedParameters.apply(values, to: base) {
        case .success(let applied): parameters = applied
        case .failure(let rejection): return .rejected(rejection.description)
        }
        guard let result = period.evaluate(parameters, shouldStop: shouldStop) else { return .stopped }
        return .evaluated(TrialScore(metrics: result.metrics, score: score, constraints: constraints))
    }
}
