import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl optimize`: a TPE (or random) study run by the daemon, with a live progress bar, the
/// best trial at the end, and the best parameters written as a strategy YAML.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Tune HedgeGridV1's parameters in a study stored by the daemon (resumes a study of the same name).",
        discussion: """
            The best feasible parameters are written to <strategy config dir>/<study>_best.yaml (or --best-output); \
            nothing is written when no trial meets the constraints. Relative paths are resolved against the current directory.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("strategy-config"), help: "Base strategy YAML.")
    var strategyConfig = "configs/strategies/hedge_grid_v1.yaml"

    @Option(name: .customLong("backtest-config"), help: "Backtest YAML: the period the search runs on.")
    var backtestConfig = "configs/backtest/near_2025_09.yaml"

    @Option(name: .customLong("optimization-config"), help: "Search space, score and constraints (default: configs/optimization/default_optimization.yaml when present, else the spec's defaults).")
    var optimizationConfig: String?

    @Option(name: .customLong("study-name"), help: "Study name; an existing study continues.")
    var studyName = "hedge_grid_v1"

    @Option(name: .long, help: "Trials to add to the study.")
    var trials = 100

    @Option(name: .long, help: "Concurrent trials (default: the daemon's cores).")
    var workers: Int?

    @Option(name: .long, help: "Sampler seed (the same seed with one worker gives the same trials).")
    var seed: UInt64?

    @Option(name: .long, help: "tpe or random.")
    var sampler: String?

    @Option(name: .customLong("db-path"), help: "Study database (default: the daemon's state directory).")
    var dbPath: String?

    @Option(name: .customLong("export-csv"), help: "Write every trial of the study to this CSV file at the end.")
    var exportCSV: String?

    @Option(name: .customLong("validate-config"), help: "Backtest YAML of another period to re-run the best trials on.")
    var validateConfig: String?

    @Option(name: .customLong("holdout-fraction"), help: "Keep this last fraction of the period out of the search and validate on it.")
    var holdoutFraction: Double?

    @Option(name: .customLong("trial-timeout"), help: "Seconds after which a trial is stopped and counted as failed.")
    var trialTimeout: Double?

    @Option(name: .customLong("max-retries"), help: "Retries of a failed or timed-out trial.")
    var maxRetries: Int?

    @Option(name: .customLong("best-output"), help: "Where to write the best parameters YAML.")
    var bestOutput: String?

    func validate() throws {
        if validateConfig != nil && holdoutFraction != nil {
            throw ValidationError("give --validate-config or --holdout-fraction, not both")
        }
        if trials < 1 { throw ValidationError("--trials must be at least 1, got \(trials)") }
    }

    func run() async throws {
        let directory = FileManager.default.currentDirectoryPath
        var optimization = optimizationConfig
        if optimization == nil && FileManager.default.fileExists(atPath: "configs/optimization/default_optimization.yaml") {
            optimization = "configs/optimization/default_optimization.yaml"
        }
        let client = try global.connect()
        let params = StudyOptimizeParams(
            studyName: studyName, strategyConfig: strategyConfig, backtestConfig: backtestConfig, optimizationConfig: optimization,
            trials: trials, workers: workers, seed: seed, sampler: sampler, holdoutFraction: holdoutFraction, validateConfig: validateConfig,
            trialTimeoutSeconds: trialTimeout, maxRetries: maxRetries, dbPath: dbPath, workingDirectory: directory,
            environment: ProcessInfo.processInfo.environment)
        let started = ContinuousClock.now
        let answer = await Console.call(client, MethodName.studyOptimize, try JSONValue(encoding: params))
        guard let jobID = answer["jobId"]?.stringValue else { Console.fail("unexpected answer from the daemon: \(answer.jsonText)") }
        if !global.json {
            for warning in answer["warnings"]?.arrayValue ?? [] { Console.note("warning: \(warning.stringValue ?? "")") }
            Console.note("study \(studyName): \(trials) trials in \(jobID) (target \(answer["targetTrials"]?.intValue ?? 0)); Ctrl-C leaves it running, hgctl cancel \(jobID) stops it")
        }
        let info = await JobWaiter.wait(for: jobID, client: client, showProgress: !global.json)
        guard info.state == .succeeded, let result = info.result else {
            JobWaiter.report(info, json: global.json, quiet: true)
            return
        }
        var written: String?
        if let yaml = result["bestParametersYAML"]?.stringValue {
            let path = bestOutput ?? ((strategyConfig as NSString).deletingLastPathComponent as NSString).appendingPathComponent("\(studyName)_best.yaml")
            do {
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                written = path
            } catch {
                Console.fail("cannot write the best parameters to \(path): \(error)")
            }
        }
        if let exportCSV { try await StudyText.exportCSV(client, study: studyName, dbPath: dbPath, to: exportCSV) }
        if global.json {
            guard case .object(var object) = result else { return Console.printJSON(result) }
            object["bestParametersFile"] = written.map { .string($0) } ?? .null
            object["jobId"] = .string(jobID)
            Console.printJSON(.object(object))
            return
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let run = result["trialsRun"]?.intValue ?? 0
        print("Study \(studyName): \(result["finished"]?.intValue ?? 0) of \(result["target"]?.intValue ?? 0) trials done (\(run) this run) in \(String(format: "%.1f", seconds)) s, \(String(format: "%.1f", Double(run) / max(seconds, 1e-9))) trials/s")
        for warning in result["warnings"]?.arrayValue ?? [] { Console.note("warning: \(warning.stringValue ?? "")") }
        if let best = result["best"], best != .null {
            print("Best trial:")
            print(StudyText.bestBlock(best))
            print("Parameters:")
            print(StudyText.parameters(best))
        } else {
            print("No feasible trial: every trial missed the constraints (hgctl analyze --study-name \(studyName) shows by how much).")
        }
        let validations = result["validations"]?.arrayValue ?? []
        if !validations.isEmpty {
            print("Out of sample (\(result["outOfSample"]?.stringValue ?? "")), best trials re-run:")
            print(ValidationText.table(validations))
        }
        if let written {
            print("Best parameters: \(written)")
        } else {
            print("Best parameters: not written (no feasible trial)")
        }
        print("Study database: \(result["dbPath"]?.stringValue ?? "")")
        if let exportCSV { print("Trials CSV: \(exportCSV)") }
    }
}
