// Paired wall times of the engine at two revisions (scripts/engine-ab.sh): the core of each is
// built as its own module (Old, New), the bars of `hgctl bench backtest` are read once, and each
// round runs one trial backtest of each, taking turns at going first. A shared VM's speed changes
// within seconds; two runs back to back see nearly the same machine, so the per-round difference
// shows a 2% change that separate batches do not.
import Glibc
import New
import Old

let arguments = CommandLine.arguments
guard arguments.count == 3, let rounds = Int(arguments[2]), rounds > 0 else { fatalError("usage: engine-ab DIRECTORY|random ROUNDS") }
var oldBars = Old.BarSeries()
var newBars = New.BarSeries()
if arguments[1] == "random" {
    oldBars = Old.BarSeries.randomWalk(count: 259_200, price: 2.5, volatility: 0.0009, seed: 1)
    newBars = New.BarSeries.randomWalk(count: 259_200, price: 2.5, volatility: 0.0009, seed: 1)
} else {
    for row in readKlineRows(directory: arguments[1]) {
        oldBars.append(openTime: row.openTime, open: row.open, high: row.high, low: row.low, close: row.close)
        newBars.append(openTime: row.openTime, open: row.open, high: row.high, low: row.low, close: row.close)
    }
}
let oldWorkload = Old.BenchmarkWorkload()
let newWorkload = New.BenchmarkWorkload()
let oldFunding = Old.BenchmarkWorkload.funding(for: oldBars)
let newFunding = New.BenchmarkWorkload.funding(for: newBars)
let oldEngine = Old.BacktestEngine(parameters: oldWorkload.parameters, exchange: oldWorkload.exchange, recordEvents: false, recordEquityCurve: false)
let newEngine = New.BacktestEngine(parameters: newWorkload.parameters, exchange: newWorkload.exchange, recordEvents: false, recordEquityCurve: false)

func milliseconds(_ body: () -> Double) -> (ms: Double, pnl: Double) {
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    let pnl = body()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return (Double(end.tv_sec - start.tv_sec) * 1e3 + Double(end.tv_nsec - start.tv_nsec) / 1e6, pnl)
}
func runOld() -> (ms: Double, pnl: Double) {
    milliseconds { oldEngine.run(bars: oldBars, funding: oldFunding, startIndex: oldWorkload.parameters.regime.warmUpBars).metrics.totalPnl }
}
func runNew() -> (ms: Double, pnl: Double) {
    milliseconds { newEngine.run(bars: newBars, funding: newFunding, startIndex: newWorkload.parameters.regime.warmUpBars).metrics.totalPnl }
}

var (oldTimes, newTimes, differences) = ([Double](), [Double](), [Double]())
var samePnl = true
for round in 0..<rounds {
    let (old, new) = round % 2 == 0 ? { let old = runOld(); return (old, runNew()) }() : { let new = runNew(); return (runOld(), new) }()
    samePnl = samePnl && old.pnl == new.pnl
    oldTimes.append(old.ms)
    newTimes.append(new.ms)
    differences.append(new.ms - old.ms)
}
func quantile(_ values: [Double], _ fraction: Double) -> String {
    let sorted = values.sorted()
    let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    return String(Int((value * 100).rounded())).withDecimalPoint
}
extension String {
    /// "1234" as "12.34" (hundredths), without Foundation.
    var withDecimalPoint: String {
        let negative = hasPrefix("-")
        var digits = negative ? String(dropFirst()) : self
        while digits.count < 3 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast(2) + "." + digits.suffix(2)
    }
}
print("ms per trial run over \(rounds) rounds: lowest, lower quartile, median")
print("  old: \(quantile(oldTimes, 0)), \(quantile(oldTimes, 0.25)), \(quantile(oldTimes, 0.5))")
print("  new: \(quantile(newTimes, 0)), \(quantile(newTimes, 0.25)), \(quantile(newTimes, 0.5))")
print("new - old in the same round: lower quartile \(quantile(differences, 0.25)), median \(quantile(differences, 0.5)), upper quartile \(quantile(differences, 0.75)) ms")
print(samePnl ? "same PnL in every round" : "the PnL differs: the revisions do not compute the same backtest")
