import Foundation
import HedgeGridBacktest
import HedgeGridCore
import HedgeGridOptimization

/// Studies as users run them: checks a request completely before anything is written, creates
/// or extends the study, loads its data once, and after the search re-runs the best trials out
/// of sample and renders the best parameters as a strategy YAML.
public enum StudyService {
    /// A request that cannot run, with what is wrong.
    public struct RequestError: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// A study's data, loaded once for all its trials.
    public struct LoadedStudy: Sendable {
        public var inSample: TrialEvaluator
        /// The held-out end of the period or the validation config's period, with its label.
        public var outOfSample: (evaluator: TrialEvaluator, label: String)?
        public var warnings: [String]
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }

    static func substitutedText(_ path: String, environment: [String: String]) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", reason: "cannot read the file (missing, unreadable or not UTF-8)")
        }
        return try EnvironmentSubstitution.apply(to: text, environment: environment, file: path)
    }

    /// Checks `options` and returns the study to run: an existing one with `trials` more requested,
    /// or a new one. Nothing is written unless every check passes.
    public static func open(store: () throws -> StudyStore, options: OptimizeOptions, now: Int64) throws -> (study: StudyRecord, warnings: [String]) {
        guard options.trials >= 1 else { throw RequestError("trials must be at least 1, got \(options.trials)") }
        guard !options.studyName.isEmpty, options.studyName.count <= 200, !options.studyName.contains("/") else {
            throw RequestError("study name must be 1 to 200 characters without '/', got '\(options.studyName)'")
        }
        if let fraction = options.holdoutFraction, !(fraction > 0 && fraction <= 0.9) {
            throw RequestError("holdout fraction must be in (0, 0.9], got \(fraction)")
        }
        if options.holdoutFraction != nil && options.validatePath != nil {
            throw RequestError("give a holdout fraction or a validation config, not both")
        }
        if let workers = options.workers, workers < 1 || workers > 256 { throw RequestError("workers must be in 1...256, got \(workers)") }
        if let timeout = options.trialTimeoutSeconds, !(timeout > 0) { throw RequestError("trial timeout must be positive, got \(timeout)") }
        if let retries = options.maxRetries, retries < 0 || retries > 100 { throw RequestError("max retries must be in 0...100, got \(retries)") }
        let directory = options.workingDirectory
        let strategyPath = absolute(options.strategyPath, in: directory)
        let backtestPath = absolute(options.backtestPath, in: directory)
        let strategyText = try substitutedText(strategyPath, environment: options.environment)
        let backtestText = try substitutedText(backtestPath, environment: options.environment)
        let strategy = try StrategyConfig(reader: ConfigReader(yaml: strategyText, file: strategyPath, environment: [:]))
        let backtest = try BacktestConfig(reader: ConfigReader(yaml: backtestText, file: backtestPath, environment: [:]), baseDirectory: directory)
        var optimization = OptimizationConfig()
        if let path = options.optimizationPath {
            optimization = try OptimizationConfig(reader: ConfigReader(path: absolute(path, in: directory), environment: options.environment))
        }
        if let seed = options.seed { optimization.seed = seed }
        if let sampler = options.sampler { optimization.sampler = sampler }
        if let timeout = options.trialTimeoutSeconds { optimization.trialTimeoutSeconds = timeout }
        if let retries = options.maxRetries { optimization.maxRetries = retries }
        var validateText: String?
        var validatePath: String?
        if let path = options.validatePath {
            validatePath = absolute(path, in: directory)
            validateText = try substitutedText(validatePath!, environment: options.environment)
            _ = try BacktestConfig(reader: ConfigReader(yaml: validateText!, file: validatePath!, environment: [:]), baseDirectory: directory)
        }
        var warnings = strategy.warnings + backtest.warnings + optimization.warnings
        let store = try store()
        if var existing = try store.study(named: options.studyName) {
            if existing.strategyYAML != strategyText || existing.backtestYAML != backtestText || existing.optimization.space != optimization.space {
                warnings.append("study \(existing.name) continues with the configs it was created with; the given files differ and are not used")
            }
            existing.targetTrials = try store.addTrials(studyID: existing.id, count: options.trials)
            return (existing, warnings)
        }
        let study = StudyRecord(
            name: options.studyName, createdAt: now, targetTrials: options.trials, optimization: optimization, strategyYAML: strategyText,
            backtestYAML: backtestText, strategyPath: strategyPath, backtestPath: backtestPath, workingDirectory: directory,
            holdoutFraction: options.holdoutFraction, validateYAML: validateText, validatePath: validatePath)
        return (try store.create(study), warnings)
    }

    /// The base strategy of a study, from its snapshot.
    public static func strategy(of study: StudyRecord) throws -> StrategyConfig {
        try StrategyConfig(reader: ConfigReader(yaml: study.strategyYAML, file: study.strategyPath, environment: [:]))
    }

    /// Loads the study's data (in-sample and out-of-sample periods) from its config snapshots.
    public static func load(_ study: StudyRecord) throws -> LoadedStudy {
        let strategy = try strategy(of: study)
        let backtest = try BacktestConfig(
            reader: ConfigReader(yaml: study.backtestYAML, file: study.backtestPath, environment: [:]), baseDirectory: study.workingDirectory)
        let warmUp = max(study.optimization.warmUpBars, strategy.parameters.regime.warmUpBars)
        var period = try PreparedBacktest.load(strategy: strategy, backtest: backtest, warmUpBars: warmUp)
        let warnings = period.warnings
        var outOfSample: (TrialEvaluator, String)?
        func evaluator(_ period: PreparedBacktest) -> TrialEvaluator {
            TrialEvaluator(base: strategy.parameters, period: period, score: study.optimization.score, constraints: study.optimization.constraints)
        }
        if let fraction = study.holdoutFraction {
            let parts = period.split(at: 1 - fraction)
            period = parts.inSample
            outOfSample = (evaluator(parts.holdout), "holdout")
        } else if let text = study.validateYAML, let path = study.validatePath {
            let validation = try BacktestConfig(reader: ConfigReader(yaml: text, file: path, environment: [:]), baseDirectory: study.workingDirectory)
            outOfSample = (evaluator(try PreparedBacktest.load(strategy: strategy, backtest: validation, warmUpBars: warmUp)), "validation")
        }
        return LoadedStudy(inSample: evaluator(period), outOfSample: outOfSample, warnings: warnings)
    }

    /// Re-runs the study's best trials (feasible first, by score) on the out-of-sample period and
    /// stores the results.
    @discardableResult
    public static func validate(_ study: StudyRecord, store: StudyStore, loaded: LoadedStudy) throws -> [ValidationRecord] {
        guard let (evaluator, label) = loaded.outOfSample else { return [] }
        let ranked = try store.trials(studyID: study.id).filter { $0.state == .complete }.sorted(by: StudyStore.ranksBefore)
        var records: [ValidationRecord] = []
        for trial in ranked.prefix(study.optimization.validateTop) {
            guard case .evaluated(let result) = evaluator.evaluate(trial.parameters) else { continue }
            let record = ValidationRecord(
                trialNumber: trial.number, period: label, metrics: result.metrics, score: result.score, feasible: result.feasible,
                violations: result.violations)
            try store.save(record, studyID: study.id)
            records.append(record)
        }
        return records
    }

    /// The base strategy YAML with the best feasible trial's parameters; nil when no trial is feasible.
    public static func bestParametersYAML(_ study: StudyRecord, trials: [TrialRecord]) -> String? {
        guard let best = StudyStore.best(of: trials) else { return nil }
        let header = """
            Best parameters of study \(study.name): trial \(best.number), score \(String(format: "%.6f", best.score ?? 0)).
            Written by HedgeGrid from \(study.strategyPath) (environment variables already substituted).
            """
        return BestParametersDocument.merge(base: study.strategyYAML, values: best.parameters, header: header)
    }
}
