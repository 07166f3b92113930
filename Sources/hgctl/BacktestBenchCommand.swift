import ArgumentParser
import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridRPC

/// `hgctl bench backtest`: the engine's speed on one core (build with `-c release`).
struct BacktestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Bars per second and milliseconds per backtest of HedgeGridV1 over 6 months of 1-minute bars, on one core.",
        discussion: """
            The bars are six real months of Binance 1-minute klines when --data-dir (default ../shared/data/binance-um-klines-1m) \
            holds them (FILUSDT 2023-04..06 and 08..10, concatenated), else a seeded random walk of --bars bars; 8-hourly funding. \
            The strategy is the default HedgeGridV1 configuration. Each run reuses the loaded bars, as an optimizer trial does.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of 1-minute bars.") var bars = 259_200
    @Option(help: "Timed runs (after one warm-up run).") var runs = 20
    @Option(help: "Random walk seed.") var seed: UInt64 = 1
    @Option(name: .customLong("data-dir"), help: "Folder with the Binance monthly kline zips.")
    var dataDirectory = "../shared/data/binance-um-klines-1m"
    @Option(help: "Symbol and months to load from --data-dir.")
    var months = "FILUSDT-1m-2023-04,FILUSDT-1m-2023-05,FILUSDT-1m-2023-06,FILUSDT-1m-2023-08,FILUSDT-1m-2023-09,FILUSDT-1m-2023-10"
    @Flag(name: .customLong("record-events"), help: "Record every fill and order event, as a report run does.")
    var recordEvents = false

    func run() async throws {
        guard bars > 1_000, runs > 0 else { throw ValidationError("--bars must be > 1000 and --runs > 0") }
        let clock = ContinuousClock()
        let generation = clock.now
        let files = months.split(separator: ",").map { "\(dataDirectory)/\($0).zip" }
        let realData = files.allSatisfy { FileManager.default.fileExists(atPath: $0) }
        let series = realData ? try MarketDataFile.bars(from: files) : BarSeries.randomWalk(count: bars, price: 2.5, volatility: 0.0009, seed: seed)
        let generationTime = clock.now - generation
        let dataName = realData ? "real klines: \(months)" : "seeded random walk"
        let workload = BenchmarkWorkload()
        let funding = BenchmarkWorkload.funding(for: series)
        let parameters = workload.parameters
        let exchange = workload.exchange
        // Timed runs are optimizer trials (metrics only) unless --record-events asks for a report run.
        let engine = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: recordEvents, recordEquityCurve: recordEvents)
        let warmUp = parameters.regime.warmUpBars
        let first = engine.run(bars: series, funding: funding, startIndex: warmUp)
        // One report run keeps everything: its fingerprint identifies the outputs, and its metrics must be the trial's.
        var recording = engine
        recording.recordEvents = true
        recording.recordEquityCurve = true
        let full = recording.run(bars: series, funding: funding, startIndex: warmUp)
        guard full.metrics == first.metrics else { throw ValidationError("a report run's metrics differ from a trial run's: engine defect") }
        // Cold: every run computes its indicators. Shared: runs over one indicator cache, as a study's trials do.
        let indicators = IndicatorCache(bars: series)
        let shared = engine.run(bars: series, funding: funding, startIndex: warmUp, indicators: indicators)
        guard shared.metrics == first.metrics else { throw ValidationError("a run over cached indicators differs from a cold run: engine defect") }
        var wall: [Double] = []
        var cpu: [Double] = []
        var sharedWall: [Double] = []
        var checksum = 0.0
        let machineBefore = MachineTimes.now()
        for _ in 0..<runs {
            for cache in [nil, indicators] {
                let start = clock.now
                let cpuStart = Self.threadCPUMilliseconds()
                let result = engine.run(bars: series, funding: funding, startIndex: warmUp, indicators: cache)
                let elapsed = (clock.now - start).inMilliseconds
                if cache == nil {
                    cpu.append(Self.threadCPUMilliseconds() - cpuStart)
                    wall.append(elapsed)
                } else {
                    sharedWall.append(elapsed)
                }
                checksum += result.metrics.totalPnl
            }
        }
        precondition(checksum.isFinite)
        // The share of the machine's CPU time the hypervisor gave to other guests during the runs.
        let steal = MachineTimes.now().flatMap { after in machineBefore.map { after.stealShare(since: $0) * 100 } }
        func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let cpuMedian = middle(cpu)
        let median = middle(wall)
        let sharedMedian = middle(sharedWall)
        let best = wall.min()!
        let barsPerSecond = Double(first.bars) / (median / 1e3)
        let report: JSONValue = [
            "bars": .int(Int64(first.bars)), "runs": .int(Int64(runs)), "medianMs": .double(median), "bestMs": .double(best),
            "barsPerSecond": .double(barsPerSecond), "medianCPUMs": .double(cpuMedian),
            "sharedIndicatorsMedianMs": .double(sharedMedian), "fills": .int(Int64(first.fillCount)), "roundTrips": .int(Int64(first.metrics.roundTrips)),
            "recordEvents": .bool(recordEvents), "machineStealPercent": steal.map { .double($0) } ?? .null,
            "fingerprint": .string(String(full.fingerprint, radix: 16)),
            "dataGenerationMs": .double(generationTime.inMilliseconds),
            "data": .string(dataName),
        ]
        if global.json {
            Console.printJSON(report)
            return
        }
        print("HedgeGridV1 backtest, \(first.bars) one-minute bars (\(dataName)), \(runs) runs, one core")
        print(String(format: "median %.2f ms, best %.2f ms per backtest; %.1f M bars/s", median, best, barsPerSecond / 1e6))
        print(String(format: "median CPU time of the running thread %.2f ms per backtest; machine CPU time stolen by the hypervisor meanwhile: %@", cpuMedian, steal.map { String(format: "%.0f%%", $0) } ?? "unknown"))
        print(String(format: "median %.2f ms per backtest over shared indicator series (a study's trials: EMA/ADX computed once per length)", sharedMedian))
        print("fills per run: \(first.fillCount), round trips: \(first.metrics.roundTrips), events recorded: \(recordEvents)")
        print("result fingerprint \(String(full.fingerprint, radix: 16)) (of a report run; equal fingerprints: identical metrics, equity, round trips, fills and orders)")
        print(String(format: "bars %@ in %.1f ms", realData ? "loaded from the zipped CSVs (the catalog comes with the data issue)" : "generated", generationTime.inMilliseconds))
    }

    /// CPU time used by the calling thread so far, in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e3 + Double(spec.tv_nsec) / 1e6
    }
}
