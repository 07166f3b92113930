/// Params of `study/optimize`.
public struct StudyOptimizeParams: Codable, Sendable {
    public var studyName: String
    /// Strategy and backtest YAML paths (relative to `workingDirectory`).
    public var strategyConfig: String
    public var backtestConfig: String
    /// The optimization YAML (search space, score, constraints); absent: the spec's defaults.
    public var optimizationConfig: String?
    /// Trials to add to the study (a new study starts with this many).
    public var trials: Int
    /// Concurrent trial evaluations; absent: the daemon's cores.
    public var workers: Int?
    public var seed: UInt64?
    /// `tpe` or `random`.
    public var sampler: String?
    /// Keep the last fraction of the period out of the search and validate the best trials on it.
    public var holdoutFraction: Double?
    /// Another backtest YAML to validate the best trials on.
    public var validateConfig: String?
    public var trialTimeoutSeconds: Double?
    public var maxRetries: Int?
    /// A study database of the caller's choosing; absent: `<state dir>/studies.sqlite`.
    public var dbPath: String?
    public var workingDirectory: String?
    public var environment: [String: String]?

    public init(
        studyName: String, strategyConfig: String, backtestConfig: String, optimizationConfig: String? = nil, trials: Int,
        workers: Int? = nil, seed: UInt64? = nil, sampler: String? = nil, holdoutFraction: Double? = nil, validateConfig: String? = nil,
        trialTimeoutSeconds: Double? = nil, maxRetries: Int? = nil, dbPath: String? = nil, workingDirectory: String? = nil,
        environment: [String: String]? = nil
    ) {
        self.studyName = studyName
        self.strategyConfig = strategyConfig
        self.backtestConfig = backtestConfig
        self.optimizationConfig = optimizationConfig
        self.trials = trials
        self.workers = workers
        self.seed = seed
        self.sampler = sampler
        self.holdoutFraction = holdoutFraction
        self.validateConfig = validateConfig
        self.trialTimeoutSeconds = trialTimeoutSeconds
        self.maxRetries = maxRetries
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
        self.environment = environment
    }
}

/// Params naming one study: `study/subscribe`, `get`, `best`, `importance`, `delete`.
public struct StudyRefParams: Codable, Sendable {
    public var studyName: String
    public var dbPath: String?
    public var workingDirectory: String?

    public init(studyName: String, dbPath: String? = nil, workingDirectory: String? = nil) {
        self.studyName = studyName
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
    }
}

/// Params of `study/list`.
public struct StudyListParams: Codable, Sendable {
    public var dbPath: String?
    public var workingDirectory: String?

    public init(dbPath: String? = nil, workingDirectory: String? = nil) {
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
    }
}

/// Params of `study/trials`.
public struct StudyTrialsParams: Codable, Sendable {
    public var studyName: String
    /// `score` (feasible first, best first; the default) or `number`.
    public var sort: String?
    public var topN: Int?
    public var feasibleOnly: Bool?
    public var dbPath: String?
    public var workingDirectory: String?

    public init(studyName: String, sort: String? = nil, topN: Int? = nil, feasibleOnly: Bool? = nil, dbPath: String? = nil, workingDirectory: String? = nil) {
        self.studyName = studyName
        self.sort = sort
        self.topN = topN
        self.feasibleOnly = feasibleOnly
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
    }
}

/// Params of `study/export`.
public struct StudyExportParams: Codable, Sendable {
    public var studyName: String
    /// `csv` (every trial) or `yaml` (the base strategy with the best feasible parameters).
    public var format: String
    public var dbPath: String?
    public var workingDirectory: String?

    public init(studyName: String, format: String, dbPath: String? = nil, workingDirectory: String? = nil) {
        self.studyName = studyName
        self.format = format
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
    }
}

/// Params of `study/cleanup`: give `minScore` or `keepTopN` (or both: a trial is kept if either keeps it).
public struct StudyCleanupParams: Codable, Sendable {
    public var studyName: String
    public var minScore: Double?
    public var keepTopN: Int?
    public var dbPath: String?
    public var workingDirectory: String?

    public init(studyName: String, minScore: Double? = nil, keepTopN: Int? = nil, dbPath: String? = nil, workingDirectory: String? = nil) {
        self.studyName = studyName
        self.minScore = minScore
        self.keepTopN = keepTopN
        self.dbPath = dbPath
        self.workingDirectory = workingDirectory
    }
}
