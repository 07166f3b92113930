import Foundation
import HedgeGridBacktest
import HedgeGridCore
import HedgeGridStudy
import HedgeGridTestSupport
import Testing

/// Studies on the bundled NEARUSDT data: request checks that write nothing, the holdout split,
/// out-of-sample validation, and the best-parameters YAML.
@Suite struct StudyServiceTests {
    static let strategy = "configs/strategies/hedge_grid_v1.yaml"
    static let backtest = "configs/backtest/near_2025_09.yaml"
    static let optimization = "configs/optimization/default_optimization.yaml"

    func options(_ name: String = "near", trials: Int = 10, holdout: Double? = nil, strategy: String = strategy, backtest: String = backtest) -> OptimizeOptions {
        OptimizeOptions(
            studyName: name, strategyPath: strategy, backtestPath: backtest, optimizationPath: Self.optimization, trials: trials,
            holdoutFraction: holdout, workingDirectory: StudyFixtures.root)
    }

    func openError(_ options: OptimizeOptions, scratch: Scratch) -> String {
        do {
            _ = try StudyService.open(store: { try StudyStore(path: scratch.file("studies.sqlite")) }, options: options, now: 0)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func badRequestsAreRefusedAndWriteNothing() {
        let scratch = Scratch()
        defer { scratch.remove() }
        #expect(openError(options(trials: 0), scratch: scratch) == "trials must be at least 1, got 0")
        #expect(openError(options(holdout: 0.95), scratch: scratch) == "holdout fraction must be in (0, 0.9], got 0.95")
        #expect(openError(options(strategy: "configs/strategies/missing.yaml"), scratch: scratch)
            == "\(StudyFixtures.root)/configs/strategies/missing.yaml: cannot read the file (missing, unreadable or not UTF-8)")
        var badRange = options()
        let file = scratch.file("bad.yaml")
        FileManager.default.createFile(atPath: file, contents: Data("parameters:\n  exit:\n    tp_steps: [5, 1]\n".utf8))
        badRange.optimizationPath = file
        #expect(openError(badRange, scratch: scratch) == "\(file): parameters.exit.tp_steps: min (5.0) must not exceed max (1.0)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("studies.sqlite")))
    }

    @Test func anExistingStudyGetsMoreTrials() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("studies.sqlite"))
        let first = try StudyService.open(store: { store }, options: options(trials: 10), now: 0)
        let second = try StudyService.open(store: { store }, options: options(trials: 15), now: 1)
        #expect(first.study.id == second.study.id)
        #expect(second.study.targetTrials == 25)
        #expect(try store.studies().count == 1)
    }

    @Test func theHoldoutIsNeverSeenByTheSearch() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("studies.sqlite"))
        let (study, _) = try StudyService.open(store: { store }, options: options(holdout: 0.25), now: 0)
        let loaded = try StudyService.load(study)
        let inSample = loaded.inSample.period
        let holdout = try #require(loaded.outOfSample?.evaluator.period)
        #expect(loaded.outOfSample?.label == "holdout")
        // The in-sample bars end where the holdout's traded bars begin.
        let split = holdout.bars.openTimes[holdout.startIndex]
        #expect(inSample.bars.openTimes.last! < split)
        #expect(inSample.backtest.end == split)
        let traded = inSample.bars.count - inSample.startIndex
        let held = holdout.bars.count - holdout.startIndex
        #expect(abs(Double(held) / Double(traded + held) - 0.25) < 0.001)
        // The same in-sample figures as a backtest whose period ends at the split.
        let strategy = try StudyService.strategy(of: study)
        var cut = try BacktestConfig(reader: ConfigReader(path: StudyFixtures.root + "/" + Self.backtest, environment: [:]), baseDirectory: StudyFixtures.root)
        cut.end = split
        let alone = try PreparedBacktest.load(strategy: strategy, backtest: cut, warmUpBars: study.optimization.warmUpBars)
        #expect(alone.evaluate(strategy.parameters).metrics == inSample.evaluate(strategy.parameters).metrics)
        #expect(inSample.funding.times.allSatisfy { $0 < split })
    }

    @Test func theBestTrialsAreValidatedOutOfSampleAndTheBestYAMLRoundTrips() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("studies.sqlite"))
        var opened = try StudyService.open(store: { store }, options: options(trials: 12, holdout: 0.3), now: 0).study
        // Lenient enough that some trials are feasible on one month.
        opened.optimization.constraints = .none
        let study = try store.create(StudyRecord(
            name: "lenient", createdAt: 0, targetTrials: 12, optimization: opened.optimization, strategyYAML: opened.strategyYAML,
            backtestYAML: opened.backtestYAML, strategyPath: opened.strategyPath, backtestPath: opened.backtestPath,
            workingDirectory: opened.workingDirectory, holdoutFraction: 0.3))
        let loaded = try StudyService.load(study)
        let evaluator = loaded.inSample
        let summary = try StudyRunner(store: store, study: study, workers: 2, evaluate: { evaluator.evaluate($0, shouldStop: $1) }).run { false }
        #expect(summary.finished == 12)
        let validations = try StudyService.validate(study, store: store, loaded: loaded)
        #expect(validations.count == 5 && validations.allSatisfy { $0.period == "holdout" })
        #expect(try store.validations(studyID: study.id) == validations.sorted { $0.trialNumber < $1.trialNumber })

        let trials = try store.trials(studyID: study.id)
        let best = try #require(summary.best)
        let yaml = try #require(StudyService.bestParametersYAML(study, trials: trials))
        #expect(yaml.hasPrefix("# Best parameters of study lenient: trial \(best.number)"))
        #expect(yaml.contains("# (*) spacing between rungs"))  // comments kept
        let parsed = try StrategyConfig(reader: ConfigReader(yaml: yaml, file: "best.yaml", environment: [:]))
        #expect(TunedParameters.values(of: parsed.parameters) == best.parameters)
        #expect(parsed.warnings.isEmpty)
        // Running the written strategy over the same period gives the trial's metrics.
        #expect(evaluator.period.evaluate(parsed.parameters).metrics == best.metrics)
    }

    @Test func aTrialTimeoutReallyStopsTheEngine() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("studies.sqlite"))
        let (study, _) = try StudyService.open(store: { store }, options: options(trials: 1), now: 0)
        let evaluator = try StudyService.load(study).inSample
        let values = TunedParameters.values(of: evaluator.base)
        // Asked every 4,096 bars: a stop at the first question ends the run before the 41,760 bars.
        var questions = 0
        guard case .stopped = evaluator.evaluate(values, shouldStop: {
            questions += 1
            return true
        }) else {
            Issue.record("the run did not stop")
            return
        }
        #expect(questions == 1)
        // Never asked to stop, the same trial completes.
        guard case .evaluated(let result) = evaluator.evaluate(values) else {
            Issue.record("the run did not complete")
            return
        }
        #expect(result.metrics.roundTrips > 0)
    }

    @Test func noFeasibleTrialMeansNoBestYAML() throws {
        let trials = [TrialRecord(number: 0, state: .failed, parameters: [:])]
        var infeasible = TrialRecord(number: 1, state: .complete, parameters: ["grid.grid_step_bps": 20])
        infeasible.score = 0.9
        infeasible.feasible = false
        #expect(StudyService.bestParametersYAML(StudyFixtures.study(trials: 2), trials: trials + [infeasible]) == nil)
    }

    @Test func mergingAddsKeysTheBaseLacks() throws {
        let merged = BestParametersDocument.merge(
            base: "grid:\n  grid_step_bps: 50   # spacing\nexit:\n  tp_steps: 3\n",
            values: ["grid.grid_step_bps": 35.5, "grid.qty_scale": 1.2, "regime.adx_len": 9, "exit.tp_steps": 4], header: "best")
        #expect(merged == "# best\ngrid:\n  grid_step_bps: 35.5  # spacing\n  qty_scale: 1.2\nexit:\n  tp_steps: 4\n\nregime:\n  adx_len: 9\n")
    }
}
