/// Params of `backtest/run`.
public struct BacktestRunParams: Codable, Sendable {
    /// A strategy YAML path, or the config itself as an object.
    public var strategyConfig: JSONValue
    /// A backtest YAML path, or the config itself as an object.
    public var backtestConfig: JSONValue
    public var runId: String?
    /// Where `<run_id>/` goes instead of the config's `output.report_dir`.
    public var outputDir: String?
    /// Relative paths (configs, data files, output) are resolved against this; hgctl sends its own.
    public var workingDirectory: String?
    /// Variables for `${VAR}` substitution in the configs; hgctl sends its environment.
    public var environment: [String: String]?
    /// Run as a job: answer `{jobId}` at once (`job/wait` gives the result).
    public var job: Bool?

    public init(
        strategyConfig: JSONValue, backtestConfig: JSONValue, runId: String? = nil, outputDir: String? = nil,
        workingDirectory: String? = nil, environment: [String: String]? = nil, job: Bool? = nil
    ) {
        self.strategyConfig = strategyConfig
        self.backtestConfig = backtestConfig
        self.runId = runId
        self.outputDir = outputDir
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.job = job
    }
}
