import ArgumentParser
import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridOptimization
import HedgeGridRPC
import HedgeGridStudy

/// `hgctl bench optimize`: the TPE sampler's time per trial as a study grows (17 parameters), and
/// the wall time of a whole study over 6 months of 1-minute bars (build with `-c release`).
struct OptimizeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "TPE sampler time per trial at 100, 500 and 1,000 trials (17 parameters), and a 100-trial study's wall time over 6 months.",
        discussion: """
            The study runs in this process with the daemon's parts: configs read from YAML, the data loaded once, a SQLite study \
            database in a temporary folder, --workers threads. Its bars are the six FILUSDT months in --data-dir \
            (default ../shared/data/binance-um-klines-1m) when present, else a seeded random walk of the same length written as a kline CSV.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Samples timed at each history size.") var repeats = 50
    @Option(help: "Trials of the study run (0 skips it).") var trials = 100
    @Option(help: "Concurrent trials of the study run.") var workers = 2
    @Flag(help: "Time the multivariate TPE sampler instead of the univariate one.") var multivariate = false
    @Option(name: .customLong("data-dir"), help: "Folder with the Binance monthly kline zips.")
    var dataDirectory = "../shared/data/binance-um-klines-1m"
    @Option(help: "Symbol and months to load from --data-dir.")
    var months = "FILUSDT-1m-2023-04,FILUSDT-1m-2023-05,FILUSDT-1m-2023-06,FILUSDT-1m-2023-08,FILUSDT-1m-2023-09,FILUSDT-1m-2023-10"

    func run() async throws {
        let space = TunedParameters.defaultSpace
        var generator = SeededGenerator(seed: 1)
        var results: [JSONValue] = []
        for size in [100, 500, 1_000] {
            var random = RandomSampler(seed: 9)
            var history: [Observation] = []
            for _ in 0..<size {
                let parameters = random.sample(space: space, history: history)
                history.append(Observation(parameters: parameters, value: generator.unit()))
            }
            // A study keeps its history up to date trial by trial; the sample is what is timed.
            let columns = SampleHistory(space: space, observations: history)
            var sampler = TPESampler(seed: 3, multivariate: multivariate)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<repeats { _ = sampler.sample(columns) }
            let elapsed = clock.now - start
            results.append(["trials": .int(Int64(size)), "msPerSample": .double(elapsed.inMilliseconds / Double(repeats))])
        }
        var study: JSONValue?
        if trials > 0 { study = try runStudy() }
        if global.json {
            var report: [String: JSONValue] = ["parameters": .int(Int64(space.count)), "multivariate": .bool(multivariate), "sampler": .array(results)]
            report["study"] = study ?? .null
            Console.printJSON(.object(report))
            return
        }
        print("TPE sampler, \(space.count) parameters (\(multivariate ? "multivariate" : "univariate"), 24 EI candidates), \(repeats) samples per size")
        for case .object(let row) in results {
            print(String(format: "  %5d finished trials: %.3f ms per trial", Int(row["trials"]?.intValue ?? 0), row["msPerSample"]?.doubleValue ?? 0))
        }
        if let study {
            print("Study: \(study["trials"]?.intValue ?? 0) trials, \(workers) workers, \(study["bars"]?.intValue ?? 0) one-minute bars (\(study["data"]?.stringValue ?? ""))")
            print(String(
                format: "  wall time %.2f s (data load %.0f ms, trials %.2f s), %.1f trials/s, %.1f ms per trial on one worker",
                study["wallSeconds"]?.doubleValue ?? 0, study["loadMs"]?.doubleValue ?? 0, study["trialSeconds"]?.doubleValue ?? 0,
                study["trialsPerSecond"]?.doubleValue ?? 0, study["meanTrialMs"]?.doubleValue ?? 0))
            print("  best score \(String(format: "%.4f", study["bestScore"]?.doubleValue ?? .nan)), feasible trials \(study["feasible"]?.intValue ?? 0)")
        }
    }

    /// A study as the daemon runs one, timed from reading the configs to the last trial stored.
    func runStudy() throws -> JSONValue {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hgbench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var files = months.split(separator: ",").map { URL(fileURLWithPath: "\(dataDirectory)/\($0).zip").standardizedFileURL.path }
        let realData = files.allSatisfy { FileManager.default.fileExists(atPath: $0) }
        var start = "2023-04-01T02:00:00Z"
        var end = "2023-11-01T00:00:00Z"
        if !realData {
            // Six months of a seeded random walk, as a Binance kline CSV.
            let bars = BarSeries.randomWalk(count: 259_200 + 120, start: 1_680_307_200_000, price: 5, volatility: 0.0009, seed: 1)
            var csv = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n"
            for index in 0..<bars.count {
                csv += "\(bars.openTimes[index]),\(bars.open[index]),\(bars.high[index]),\(bars.low[index]),\(bars.close[index]),1,\(bars.closeTime(index)),1,1,0,0,0\n"
            }
            try csv.write(toFile: folder + "/walk.csv", atomically: true, encoding: .utf8)
            files = [folder + "/walk.csv"]
            start = "2023-04-01T02:00:00Z"
            end = "2023-09-27T02:00:00Z"
        }
        let backtest = """
            backtest: {name: bench}
            time_range: {start_time: "\(start)", end_time: "\(end)"}
            data:
              bar_source: last
              bars: [\(files.map { "\"\($0)\"" }.joined(separator: ", "))]
              warmup_bars: 120
            instrument: {symbol: FILUSDT, tick_size: 0.001, step_size: 0.1, min_qty: 0.1, min_notional: 5, maintenance_margin_rate: 0.01}
            venues: [{name: BINANCE, currency: USDT, starting_balance: 10000, leverage: 5}]
            execution: {fees: {maker_bps: 2, taker_bps: 5}}
            """
        let strategy = """
            strategy: {name: hedge_grid_v1}
            grid: {grid_step_bps: 50, grid_levels_long: 6, grid_levels_short: 6, base_qty: 20, qty_scale: 1.05}
            exit: {tp_steps: 3, sl_steps: 5}
            rebalance: {recenter_trigger_bps: 200}
            funding: {funding_max_cost_bps: 12}
            regime: {adx_len: 14, ema_fast: 10, ema_slow: 30, atr_len: 14, hysteresis_bps: 35}
            position: {max_position_pct: 0.75}
            policy: {counter_levels: 4, counter_qty_scale: 0.5}
            """
        try backtest.write(toFile: folder + "/backtest.yaml", atomically: true, encoding: .utf8)
        try strategy.write(toFile: folder + "/strategy.yaml", atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let started = clock.now
        let store = try StudyStore(path: folder + "/studies.sqlite")
        let options = OptimizeOptions(
            studyName: "bench", strategyPath: folder + "/strategy.yaml", backtestPath: folder + "/backtest.yaml", trials: trials, workers: workers,
            workingDirectory: folder)
        var study = try StudyService.open(store: { store }, options: options, now: 0).study
        // The spec's ranges, but base_qty for a ~5 USDT coin (the spec's 0.001-0.1 is for BTC).
        study.optimization.space = study.optimization.space.map { domain in
            domain.name == "grid.base_qty" ? ParameterDomain(name: domain.name, low: 5, high: 100, log: true) : domain
        }
        let loaded = try StudyService.load(study)
        let loadTime = clock.now - started
        let evaluator = loaded.inSample
        let runner = StudyRunner(store: store, study: study, workers: workers, evaluate: { evaluator.evaluate($0, shouldStop: $1) })
        let trialStart = clock.now
        let summary = try runner.run(isCancelled: { false })
        let trialTime = clock.now - trialStart
        let wall = clock.now - started
        let stored = try store.trials(studyID: study.id)
        let durations = stored.compactMap(\.durationMs)
        return [
            "trials": .int(Int64(summary.finished)), "workers": .int(Int64(workers)),
            "bars": .int(Int64(evaluator.period.bars.count - evaluator.period.startIndex)),
            "data": .string(realData ? "real klines: \(months)" : "seeded random walk"),
            "wallSeconds": .double(wall.inMilliseconds / 1e3), "loadMs": .double(loadTime.inMilliseconds),
            "trialSeconds": .double(trialTime.inMilliseconds / 1e3), "trialsPerSecond": .double(Double(summary.finished) / (trialTime.inMilliseconds / 1e3)),
            "meanTrialMs": .double(durations.isEmpty ? 0 : durations.reduce(0, +) / Double(durations.count)),
            "bestScore": summary.best?.score.map { .double($0) } ?? .null,
            "feasible": .int(Int64(stored.filter { $0.feasible == true }.count)),
        ]
    }
}
