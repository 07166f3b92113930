// The workload of `hgctl bench backtest` without Foundation, for valgrind (which cannot run hgctl):
// the six FILUSDT months as unzipped CSV files in the directory given, or the bench's seeded random
// walk when the directory is "random"; the default HedgeGridV1 parameters with base_qty 20, run
// as optimizer trials (no events, no equity curve) `runs` times, printing the summed PnL (a
// checksum); with RUNS = 0, one report run instead, printing its fingerprint. With a third argument
// `time`, it also prints the best and median wall time per trial run.
import Glibc
import HedgeGridCore

func readBars(directory: String) -> BarSeries {
    var series = BarSeries()
    for row in readKlineRows(directory: directory) {
        series.append(openTime: row.openTime, open: row.open, high: row.high, low: row.low, close: row.close)
    }
    return series
}

let arguments = CommandLine.arguments
guard arguments.count == 3 || (arguments.count == 4 && arguments[3] == "time"), let runs = Int(arguments[2]), runs >= 0 else {
    fatalError("usage: engine-instructions DIRECTORY|random RUNS [time]")
}
let timed = arguments.count == 4
let series = arguments[1] == "random"
    ? BarSeries.randomWalk(count: 259_200, price: 2.5, volatility: 0.0009, seed: 1) : readBars(directory: arguments[1])
let workload = BenchmarkWorkload()
let funding = BenchmarkWorkload.funding(for: series)
let parameters = workload.parameters
let exchange = workload.exchange
if runs == 0 {
    let report = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: true, recordEquityCurve: true)
        .run(bars: series, funding: funding, startIndex: parameters.regime.warmUpBars)
    print("bars \(series.count), report run fingerprint \(String(report.fingerprint, radix: 16))")
} else {
    let trial = BacktestEngine(parameters: parameters, exchange: exchange, recordEvents: false, recordEquityCurve: false)
    var checksum = 0.0
    var milliseconds: [Double] = []
    for _ in 0..<runs {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        checksum += trial.run(bars: series, funding: funding, startIndex: parameters.regime.warmUpBars).metrics.totalPnl
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        milliseconds.append(Double(end.tv_sec - start.tv_sec) * 1e3 + Double(end.tv_nsec - start.tv_nsec) / 1e6)
    }
    print("bars \(series.count), \(runs) trial runs, PnL checksum \(checksum)")
    if timed, !milliseconds.isEmpty {
        milliseconds.sort()
        print("wall ms per trial run: best \(milliseconds[0]), median \(milliseconds[milliseconds.count / 2])")
    }
}
