import Foundation
import HedgeGridBacktest
import HedgeGridOptimization
import HedgeGridStudy
import Testing

/// The optimization YAML: the bundled file, defaults, and each bad value's specific error.
@Suite struct OptimizationConfigTests {
    func config(_ yaml: String) throws -> OptimizationConfig {
        try OptimizationConfig(reader: ConfigReader(yaml: yaml, file: "opt.yaml", environment: [:]))
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try config(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func theBundledConfigReadsWithoutWarnings() throws {
        let config = try OptimizationConfig(
            reader: ConfigReader(path: StudyFixtures.root + "/configs/optimization/default_optimization.yaml", environment: [:]))
        #expect(config.warnings.isEmpty, "\(config.warnings)")
        #expect(config.space.map(\.name) == TunedParameters.keys)
        #expect(config.space.count == 17)
        #expect(config.space.first { $0.name == "grid.base_qty" } == ParameterDomain(name: "grid.base_qty", low: 5, high: 100, log: true))
        #expect(config.space.first { $0.name == "regime.adx_len" }?.step == 1)
        #expect(config.constraints == TrialConstraints())
        #expect(config.score == ScoreFunction())
        #expect(config.trialTimeoutSeconds == 60)
    }

    @Test func absentKeysKeepTheSpecDefaults() throws {
        let config = try config("optimization:\n  seed: 3\n")
        #expect(config.seed == 3)
        #expect(config.space == TunedParameters.defaultSpace)
        #expect(config.space.first { $0.name == "grid.grid_step_bps" } == ParameterDomain(name: "grid.grid_step_bps", low: 10, high: 200))
        #expect(config.sampler == .tpe && config.startupTrials == 10 && !config.multivariate)
    }

    @Test func aPartialSpaceTunesOnlyItsParameters() throws {
        let config = try config("parameters:\n  exit:\n    tp_steps: [2, 4]\n  grid:\n    grid_step_bps: {min: 20, max: 80, step: 5}\n")
        #expect(config.space.map(\.name) == ["grid.grid_step_bps", "exit.tp_steps"])
        #expect(config.space[0].step == 5)
    }

    @Test func maxPositionInPercentIsReadAsAFraction() throws {
        let config = try config("parameters:\n  position:\n    max_position_pct: [50, 95]\n")
        #expect(config.space == [ParameterDomain(name: "position.max_position_pct", low: 0.5, high: 0.95)])
    }

    @Test func eachBadValueHasItsOwnError() {
        #expect(error("parameters:\n  grid:\n    grid_step_bps: [200, 10]\n") == "opt.yaml: parameters.grid.grid_step_bps: min (200.0) must not exceed max (10.0)")
        #expect(error("parameters:\n  grid:\n    spacing: [1, 2]\n").hasPrefix("opt.yaml: parameters.grid.spacing: not a tunable parameter; one of: grid.grid_step_bps"))
        #expect(error("parameters:\n  grid:\n    grid_levels_long: [3.5, 10]\n") == "opt.yaml: parameters.grid.grid_levels_long: an integer parameter needs integer bounds, got [3.5, 10.0]")
        #expect(error("parameters:\n  grid:\n    grid_step_bps: [10]\n") == "opt.yaml: parameters.grid.grid_step_bps: must be [min, max], got 1 numbers")
        #expect(error("parameters:\n  grid:\n    base_qty: {min: 0, max: 1, log: true}\n") == "opt.yaml: parameters.grid.base_qty: a log range needs min > 0, got 0.0")
        #expect(error("parameters:\n  regime:\n    adx_len: [0, 10]\n") == "opt.yaml: parameters.regime.adx_len: min must be at least 1.0 for regime.adx_len, got 0.0")
        #expect(error("optimization:\n  sampler: cmaes\n").hasPrefix("opt.yaml: optimization.sampler: must be one of"))
        #expect(error("constraints:\n  mode: loose\n").hasPrefix("opt.yaml: constraints.mode: must be one of"))
        #expect(error("objective:\n  bounds:\n    sharpe: [5, -3]\n") == "opt.yaml: objective.bounds.sharpe: must be [low, high] with low < high")
        #expect(error("objective:\n  weights:\n    sharpe: -1\n") == "opt.yaml: objective.weights.sharpe: must be in 0.0...100.0, got -1.0")
    }

    @Test func unknownKeysAreWarnedAbout() throws {
        let config = try config("optimization:\n  seeds: 3\n")
        #expect(config.warnings == ["opt.yaml: optimization.seeds: unknown key, ignored"])
    }

    @Test func constraintsCanBeSwitchedOff() throws {
        let config = try config("constraints:\n  enabled: false\n  mode: lenient\n")
        var expected = TrialConstraints.none
        expected.mode = .lenient
        #expect(config.constraints == expected)
    }
}
