import Foundation

/// A study at a glance: trials by state, feasibility, the best trial and the spread of scores.
public struct StudyStatistics: Sendable, Equatable, Codable {
    public var name: String
    public var createdAt: Int64
    public var targetTrials: Int
    /// Finished trials that count towards the target (including those removed by cleanup).
    public var finishedTrials: Int
    public var storedTrials: Int
    public var cleanedTrials: Int
    public var complete: Int
    public var pruned: Int
    public var failed: Int
    public var running: Int
    public var waiting: Int
    public var feasible: Int
    public var best: TrialRecord?
    public var scoreMean: Double?
    public var scoreStd: Double?
    public var scoreMin: Double?
    public var scoreMax: Double?
    public var meanTrialMs: Double?
    public var sampler: String
    public var seed: UInt64
    public var parameters: [String]
    public var holdoutFraction: Double?
    public var validatePath: String?

    public init(study: StudyRecord, trials: [TrialRecord]) {
        name = study.name
        createdAt = study.createdAt
        targetTrials = study.targetTrials
        cleanedTrials = study.cleanedTrials
        storedTrials = trials.count
        complete = trials.filter { $0.state == .complete }.count
        pruned = trials.filter { $0.state == .pruned }.count
        failed = trials.filter { $0.state == .failed }.count
        running = trials.filter { $0.state == .running }.count
        waiting = trials.filter { $0.state == .waiting }.count
        finishedTrials = trials.filter { $0.isFinished && $0.counted }.count + study.cleanedTrials
        feasible = trials.filter { $0.state == .complete && $0.feasible == true }.count
        best = StudyStore.best(of: trials)
        let scores = trials.compactMap { $0.state == .complete ? $0.score : nil }
        if !scores.isEmpty {
            let mean = scores.reduce(0, +) / Double(scores.count)
            scoreMean = mean
            scoreStd = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
            scoreMin = scores.min()
            scoreMax = scores.max()
        }
        let durations = trials.compactMap(\.durationMs)
        meanTrialMs = durations.isEmpty ? nil : durations.reduce(0, +) / Double(durations.count)
        sampler = study.optimization.sampler.rawValue
        seed = study.optimization.seed
        parameters = study.optimization.space.map(\.name)
        holdoutFraction = study.holdoutFraction
        validatePath = study.validatePath
    }
}
