/// What a user asks `optimize` for: the configs, how many trials, and overrides of the
/// optimization config's settings.
public struct OptimizeOptions: Sendable, Equatable {
    public var studyName: String
    public var strategyPath: String
    public var backtestPath: String
    /// The optimization YAML; nil: the spec's defaults.
    public var optimizationPath: String?
    /// Trials to add to the study.
    public var trials: Int
    public var workers: Int?
    public var seed: UInt64?
    public var sampler: OptimizationConfig.SamplerKind?
    public var holdoutFraction: Double?
    public var validatePath: String?
    public var trialTimeoutSeconds: Double?
    public var maxRetries: Int?
    /// Relative paths (configs and the data they name) are resolved against this.
    public var workingDirectory: String
    /// For `${VAR}` substitution in the configs.
    public var environment: [String: String]

    public init(
        studyName: String, strategyPath: String, backtestPath: String, optimizationPath: String? = nil, trials: Int, workers: Int? = nil,
        seed: UInt64? = nil, sampler: OptimizationConfig.SamplerKind? = nil, holdoutFraction: Double? = nil, validatePath: String? = nil,
        trialTimeoutSeconds: Double? = nil, maxRetries: Int? = nil, workingDirectory: String, environment: [String: String] = [:]
    ) {
        self.studyName = studyName
        self.strategyPath = strategyPath
        self.backtestPath = backtestPath
        self.optimizationPath = optimizationPath
        self.trials = trials
        self.workers = workers
        self.seed = seed
        self.sampler = sampler
        self.holdoutFraction = holdoutFraction
        self.validatePath = validatePath
        self.trialTimeoutSeconds = trialTimeoutSeconds
        self.maxRetries = maxRetries
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}
