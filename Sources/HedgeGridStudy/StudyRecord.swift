/// A study as stored: its name, how many trials were asked for, and a snapshot of the configs it
/// runs with (so a resumed study evaluates exactly what it started with, whatever happened to the
/// files since).
public struct StudyRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    /// Epoch milliseconds.
    public var createdAt: Int64
    /// Trials requested over the study's life (each `optimize --trials N` adds N).
    public var targetTrials: Int
    public var optimization: OptimizationConfig
    /// The strategy and backtest YAML after `${VAR}` substitution, and where they came from.
    public var strategyYAML: String
    public var backtestYAML: String
    public var strategyPath: String
    public var backtestPath: String
    /// What relative data paths in the backtest config are resolved against.
    public var workingDirectory: String
    /// The last fraction of the period kept out of the search, if any.
    public var holdoutFraction: Double?
    /// Another backtest period the best trials are re-run on, if any.
    public var validateYAML: String?
    public var validatePath: String?
    /// Trials removed by cleanup (they still count towards the requested trials).
    public var cleanedTrials: Int

    public init(
        id: Int64 = 0, name: String, createdAt: Int64, targetTrials: Int, optimization: OptimizationConfig, strategyYAML: String,
        backtestYAML: String, strategyPath: String, backtestPath: String, workingDirectory: String, holdoutFraction: Double? = nil,
        validateYAML: String? = nil, validatePath: String? = nil, cleanedTrials: Int = 0
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.targetTrials = targetTrials
        self.optimization = optimization
        self.strategyYAML = strategyYAML
        self.backtestYAML = backtestYAML
        self.strategyPath = strategyPath
        self.backtestPath = backtestPath
        self.workingDirectory = workingDirectory
        self.holdoutFraction = holdoutFraction
        self.validateYAML = validateYAML
        self.validatePath = validatePath
        self.cleanedTrials = cleanedTrials
    }
}
