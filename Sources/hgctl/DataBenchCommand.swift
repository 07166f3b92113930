import ArgumentParser
import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridRPC

/// `hgctl bench data`: parsing and storing speed, bytes per stored row, catalog load time.
struct DataBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Rows/s parsing and storing klines, bytes per stored bar and trade, and the time to load 6 months of bars from the catalog.",
        discussion: "Uses six real months from --data-dir (default ../shared/data/binance-um-klines-1m) when present, else a seeded random walk; trades are synthetic (no bulk trades were available). Works in a temporary catalog.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("data-dir"), help: "Folder with the Binance monthly kline zips.")
    var dataDirectory = "../shared/data/binance-um-klines-1m"
    @Option(help: "Symbol and months to use from --data-dir.")
    var months = "FILUSDT-1m-2023-04,FILUSDT-1m-2023-05,FILUSDT-1m-2023-06,FILUSDT-1m-2023-08,FILUSDT-1m-2023-09,FILUSDT-1m-2023-10"
    @Option(help: "Timed catalog loads.") var runs = 20

    func run() async throws {
        let clock = ContinuousClock()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hgbench-data-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // No in-memory cache: this measures reading the chunk files.
        let catalog = try MarketCatalog(root: scratch + "/catalog", cache: nil)
        let files = months.split(separator: ",").map { "\(dataDirectory)/\($0).zip" }
        let real = files.allSatisfy { FileManager.default.fileExists(atPath: $0) }

        // Parsing alone: CSV bytes already in memory.
        var csv: [Data] = []
        if real {
            for file in files { csv.append(try MarketDataFile.csvBytes(at: file)) }
        } else {
            let walk = BarSeries.randomWalk(count: 259_200)
            var text = ""
            for index in 0..<walk.count {
                text += "\(walk.openTimes[index]),\(walk.open[index]),\(walk.high[index]),\(walk.low[index]),\(walk.close[index]),1,\(walk.openTimes[index] + 59_999),1,1,1,1,0\n"
            }
            csv.append(Data(text.utf8))
        }
        let parseStart = clock.now
        var bars = BarSeries()
        for (index, data) in csv.enumerated() {
            try data.withUnsafeBytes { raw in
                try KlineCSVReader.read(raw.bindMemory(to: UInt8.self), source: "month \(index)", into: &bars)
            }
        }
        let parseTime = clock.now - parseStart

        // Storing (month chunks + index) from the parsed series.
        let storeStart = clock.now
        try catalog.store(symbol: "BENCH", kind: .last, times: bars.openTimes, columns: [bars.open, bars.high, bars.low, bars.close])
        let storeTime = clock.now - storeStart
        let barBytes = try folderBytes(scratch + "/catalog/BINANCE/BENCH/last")

        // Trades: synthetic, 1,000,000 of them, stored and measured.
        var tradeTimes: [Int64] = []
        var tradePrices: [Double] = []
        tradeTimes.reserveCapacity(1_000_000)
        tradePrices.reserveCapacity(1_000_000)
        for index in 0..<1_000_000 {
            tradeTimes.append(bars.openTimes[0] + Int64(index) * 15)
            tradePrices.append(bars.close[index % bars.count])
        }
        try catalog.store(symbol: "BENCH", kind: .trades, times: tradeTimes, columns: [tradePrices])
        let tradeBytes = try folderBytes(scratch + "/catalog/BINANCE/BENCH/trades")

        // Loading the whole span back, as a backtest does.
        var loads: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            let loaded = try catalog.bars(symbol: "BENCH", start: bars.openTimes[0], end: bars.openTimes[bars.count - 1] + 60_000)
            loads.append((clock.now - start).inMilliseconds)
            precondition(loaded.count == bars.count)
        }
        loads.sort()
        let report: JSONValue = [
            "data": .string(real ? "real klines: \(months)" : "seeded random walk"),
            "bars": .int(Int64(bars.count)),
            "parseRowsPerSecond": .double(Double(bars.count) / (parseTime.inMilliseconds / 1e3)),
            "storeRowsPerSecond": .double(Double(bars.count) / (storeTime.inMilliseconds / 1e3)),
            "bytesPerStoredBar": .double(Double(barBytes) / Double(bars.count)),
            "bytesPerStoredTrade": .double(Double(tradeBytes) / Double(tradeTimes.count)),
            "loadMedianMs": .double(loads[loads.count / 2]),
            "loadBestMs": .double(loads[0]),
        ]
        if global.json {
            Console.printJSON(report)
            return
        }
        print("market data, \(bars.count) one-minute bars (\(real ? "real klines: \(months)" : "seeded random walk"))")
        print(String(format: "parse klines CSV: %.2f M rows/s; store into the catalog: %.2f M rows/s", (report["parseRowsPerSecond"]?.doubleValue ?? 0) / 1e6, (report["storeRowsPerSecond"]?.doubleValue ?? 0) / 1e6))
        print(String(format: "stored: %.1f bytes per bar, %.1f bytes per trade (1,000,000 synthetic trades)", report["bytesPerStoredBar"]?.doubleValue ?? 0, report["bytesPerStoredTrade"]?.doubleValue ?? 0))
        print(String(format: "load all bars from the catalog: median %.1f ms, best %.1f ms (%d runs)", loads[loads.count / 2], loads[0], runs))
    }

    func folderBytes(_ path: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: path).reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? Int) ?? 0)
        }
    }
}
