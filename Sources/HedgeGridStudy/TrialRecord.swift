import HedgeGridCore
import HedgeGridOptimization

/// One trial of a study as stored: what it ran with, what came out, and how it ended.
public struct TrialRecord: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// Queued (a trial re-queued after a crash), not started yet.
        case waiting
        case running
        /// Evaluated: metrics and score are set, feasible or not.
        case complete
        /// Not evaluated: an invalid parameter combination (the error says which).
        case pruned
        /// Failed or timed out on every attempt, or interrupted by a crash (then re-queued).
        case failed
    }

    public var number: Int
    public var state: State
    /// Every tuned parameter the trial ran with.
    public var parameters: [String: Double]
    public var metrics: PerformanceMetrics?
    public var score: Double?
    /// The score's weighted components (`sharpe`, `profit`, `calmar`, `drawdown`).
    public var components: [String: Double]?
    public var feasible: Bool?
    public var violations: [TrialConstraints.Violation]
    /// 0 when feasible, else the total shortfall (what the sampler ranks infeasible trials by).
    public var violation: Double?
    public var error: String?
    public var attempts: Int
    /// Epoch milliseconds.
    public var startedAt: Int64?
    public var finishedAt: Int64?
    public var durationMs: Double?
    /// For a re-queued trial, the interrupted trial it repeats.
    public var requeuedFrom: Int?
    /// Counts towards the study's requested trials (false only for interrupted ones).
    public var counted: Bool

    public init(number: Int, state: State, parameters: [String: Double]) {
        self.number = number
        self.state = state
        self.parameters = parameters
        self.violations = []
        self.attempts = 0
        self.counted = true
    }

    /// True once the trial will not change any more.
    public var isFinished: Bool { state == .complete || state == .pruned || state == .failed }

    /// How the sampler sees this trial (it minimises, so the score is negated).
    public var observation: Observation {
        switch state {
        case .complete:
            return Observation(parameters: parameters, value: score.map { -$0 }, violation: violation ?? 0, state: .complete)
        case .pruned:
            // Never evaluated: ranked after every evaluated trial, so its region is avoided.
            return Observation(parameters: parameters, value: nil, violation: 1e9, state: .complete)
        case .running, .waiting:
            return .running(parameters)
        case .failed:
            return Observation(parameters: parameters, value: nil, violation: 0, state: .failed)
        }
    }
}
