import Foundation
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

/// `hgctl optimize`, `analyze` and `cleanup` end to end on the bundled data.
@Suite struct StudyCommandTests {
    static var root: String { HGCtlBacktestTests.root }

    /// A strategy copy (so the best YAML lands in the scratch folder), a three-day backtest and
    /// an optimization config with the given constraints.
    static func fixtures(_ sandbox: HGCtlCommandTests.Sandbox, constraints: String) throws -> (strategy: String, backtest: String, optimization: String) {
        let directory = sandbox.scratch.file("strategies")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let strategy = directory + "/base.yaml"
        try FileManager.default.copyItem(atPath: root + "/configs/strategies/hedge_grid_v1.yaml", toPath: strategy)
        var backtest = try String(contentsOfFile: root + "/configs/backtest/near_2025_09.yaml", encoding: .utf8)
        backtest = backtest.replacingOccurrences(of: "2025-10-01T00:00:00Z", with: "2025-09-05T00:00:00Z")
            .replacingOccurrences(of: "data/bundled/", with: root + "/data/bundled/")
        let backtestPath = sandbox.scratch.file("short.yaml")
        try backtest.write(toFile: backtestPath, atomically: true, encoding: .utf8)
        var optimization = try String(contentsOfFile: root + "/configs/optimization/default_optimization.yaml", encoding: .utf8)
        optimization = String(optimization[..<optimization.range(of: "constraints:")!.lowerBound]) + constraints
        let optimizationPath = sandbox.scratch.file("opt.yaml")
        try optimization.write(toFile: optimizationPath, atomically: true, encoding: .utf8)
        return (strategy, backtestPath, optimizationPath)
    }

    @Test func optimizeWritesTheBestYAMLThenAnalyzeAndCleanup() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let files = try Self.fixtures(sandbox, constraints: "constraints:\n  enabled: false\n")
        let csv = sandbox.scratch.file("trials.csv")
        let optimize = try ProcessRunner.run(
            Products.hgctl,
            ["optimize", "--strategy-config", files.strategy, "--backtest-config", files.backtest, "--optimization-config", files.optimization,
             "--study-name", "cli", "--trials", "8", "--workers", "2", "--seed", "3", "--export-csv", csv, "--json"],
            environment: sandbox.environment)
        #expect(optimize.status == 0, "stderr: \(optimize.stderr)")
        let result = try JSONParser.parse(Data(optimize.stdout.utf8))
        #expect(result["finished"] == 8 && result["trialsRun"] == 8)
        let bestFile = sandbox.scratch.file("strategies/cli_best.yaml")
        #expect(result["bestParametersFile"]?.stringValue == bestFile)
        let best = try String(contentsOfFile: bestFile, encoding: .utf8)
        #expect(best.hasPrefix("# Best parameters of study cli: trial \(result["best"]?["number"]?.intValue ?? -1)"))
        #expect(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count == 9)

        let analyze = try sandbox.hgctl("analyze", "--study-name", "cli", "--top-n", "3", "--json")
        #expect(analyze.status == 0, "stderr: \(analyze.stderr)")
        let analysis = try sandbox.json(analyze)
        #expect(analysis["statistics"]?["finishedTrials"] == 8)
        #expect(analysis["top"]?.arrayValue?.count == 3)
        #expect(analysis["importance"]?.arrayValue?.count == 17)

        // A second study to compare with; the human report has every section.
        let second = try ProcessRunner.run(
            Products.hgctl,
            ["optimize", "--strategy-config", files.strategy, "--backtest-config", files.backtest, "--optimization-config", files.optimization,
             "--study-name", "other", "--trials", "4", "--sampler", "random", "--best-output", sandbox.scratch.file("other.yaml")],
            environment: sandbox.environment)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        for label in ["Study other: 4 of 4 trials done", "Best trial:", "Sharpe", "total profit", "Calmar", "max drawdown", "win rate", "trades",
                      "Best parameters: \(sandbox.scratch.file("other.yaml"))", "Study database: \(sandbox.scratch.file("state"))/studies.sqlite"] {
            #expect(second.stdout.contains(label), "missing '\(label)' in \(second.stdout)")
        }
        let human = try sandbox.hgctl("analyze", "--study-name", "cli", "--compare-with", "other")
        #expect(human.status == 0, "stderr: \(human.stderr)")
        for label in ["Study cli (tpe, seed 3)", "Top 10 trials", "Parameter importance", "Comparison:", "best score"] {
            #expect(human.stdout.contains(label), "missing '\(label)'")
        }

        let cleanup = try sandbox.hgctl("cleanup", "--study-name", "cli", "--keep-top-n", "2")
        #expect(cleanup.status == 0, "stderr: \(cleanup.stderr)")
        #expect(cleanup.stdout.hasPrefix("Removed 6 trials from cli; 2 stored, 8 of 8 trials done"))
    }

    @Test func noFeasibleTrialWritesNoBestYAML() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let files = try Self.fixtures(sandbox, constraints: "constraints:\n  min_trades: 10000000\n")
        let outcome = try ProcessRunner.run(
            Products.hgctl,
            ["optimize", "--strategy-config", files.strategy, "--backtest-config", files.backtest, "--optimization-config", files.optimization,
             "--study-name", "strict", "--trials", "5"],
            environment: sandbox.environment)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("No feasible trial"))
        #expect(outcome.stdout.contains("Best parameters: not written (no feasible trial)"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.scratch.file("strategies/strict_best.yaml")))
        let best = try sandbox.hgctl("analyze", "--study-name", "strict", "--json")
        #expect(try sandbox.json(best)["statistics"]?["feasible"] == 0)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let trials = try sandbox.hgctl("optimize", "--trials", "0")
        #expect(trials.status == 64 && trials.stderr.contains("--trials must be at least 1, got 0"))
        let both = try sandbox.hgctl("optimize", "--holdout-fraction", "0.2", "--validate-config", "x.yaml")
        #expect(both.status == 64 && both.stderr.contains("give --validate-config or --holdout-fraction, not both"))
        let cleanup = try sandbox.hgctl("cleanup", "--study-name", "x")
        #expect(cleanup.status == 64 && cleanup.stderr.contains("give --min-score or --keep-top-n"))
        let unknown = try sandbox.hgctl("analyze", "--study-name", "ghost")
        #expect(unknown.status == 1 && unknown.stderr.contains("no study database at"))
    }
}
