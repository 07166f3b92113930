import ArgumentParser
import Foundation
import HedgeGridOptimization
import HedgeGridRPC

/// `hgctl bench optimize`: the TPE sampler's time per trial as a study grows (17 parameters).
struct OptimizeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "TPE sampler time per trial at 100, 500 and 1,000 finished trials over 17 parameters.",
        discussion: "The study run (100 trials over 6 months with 2 workers) arrives with the study runner.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Samples timed at each history size.") var repeats = 50

    func run() async throws {
        // The 17 tuned HedgeGridV1 parameters with the spec's default ranges.
        let space = [
            ParameterDomain(name: "grid_step_bps", low: 10, high: 200), ParameterDomain.int("grid_levels_long", 3, 20),
            ParameterDomain.int("grid_levels_short", 3, 20), ParameterDomain(name: "base_qty", low: 0.001, high: 0.1, log: true),
            ParameterDomain(name: "qty_scale", low: 1.0, high: 1.5), ParameterDomain.int("tp_steps", 1, 10), ParameterDomain.int("sl_steps", 3, 20),
            ParameterDomain.int("adx_len", 7, 30), ParameterDomain.int("ema_fast", 5, 25), ParameterDomain.int("ema_slow", 20, 60),
            ParameterDomain.int("atr_len", 7, 30), ParameterDomain(name: "hysteresis_bps", low: 5, high: 50), ParameterDomain.int("counter_levels", 2, 10),
            ParameterDomain(name: "counter_qty_scale", low: 0.3, high: 0.8), ParameterDomain(name: "recenter_trigger_bps", low: 50, high: 500),
            ParameterDomain(name: "funding_max_cost_bps", low: 5, high: 50), ParameterDomain(name: "max_position_pct", low: 0.5, high: 0.95),
        ]
        var generator = SeededGenerator(seed: 1)
        var results: [JSONValue] = []
        for size in [100, 500, 1_000] {
            var random = RandomSampler(seed: 9)
            var history: [Observation] = []
            for _ in 0..<size {
                let parameters = random.sample(space: space, history: history)
                history.append(Observation(parameters: parameters, value: generator.unit()))
            }
            var sampler = TPESampler(seed: 3)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<repeats { _ = sampler.sample(space: space, history: history) }
            let elapsed = clock.now - start
            let milliseconds = elapsed.inMilliseconds / Double(repeats)
            results.append(["trials": .int(Int64(size)), "msPerSample": .double(milliseconds)])
        }
        if global.json {
            Console.printJSON(["parameters": .int(Int64(space.count)), "results": .array(results)])
            return
        }
        print("TPE sampler, \(space.count) parameters (univariate, 24 EI candidates), \(repeats) samples per size")
        for case .object(let row) in results {
            print(String(format: "  %5d finished trials: %.3f ms per trial", Int(row["trials"]?.intValue ?? 0), row["msPerSample"]?.doubleValue ?? 0))
        }
    }
}
