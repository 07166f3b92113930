import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridTestSupport
import Testing

/// Kline and funding files in Binance's formats: CSV or zip, header or none, and bad files.
@Suite struct MarketDataFileTests {
    static var bundled: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/bundled").path
    }

    static let header = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n"
    static let rows = """
        1756684800000,2.3650,2.3650,2.3590,2.3630,158595,1756684859999,374583.4900,583,30434,71887.1270,0
        1756684860000,2.3630,2.3660,2.3620,2.3650,58846,1756684919999,139119.3390,228,49025,115907.9460,0\r
        1756684920000,2.3650,2.3700,2.3640,2.3690,1000,1756684979999,2369.0,10,500,1184.5,0

        """

    func write(_ text: String, _ name: String, in scratch: Scratch) throws -> String {
        let path = scratch.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func headerAndNoHeaderReadTheSame() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let withHeader = try MarketDataFile.bars(from: [try write(Self.header + Self.rows, "a.csv", in: scratch)])
        let without = try MarketDataFile.bars(from: [try write(Self.rows, "b.csv", in: scratch)])
        #expect(withHeader == without)
        #expect(withHeader.count == 3)
        #expect(withHeader.openTimes == [1_756_684_800_000, 1_756_684_860_000, 1_756_684_920_000])
        #expect(withHeader.close == [2.363, 2.365, 2.369])
        #expect(withHeader.high[1] == 2.366)
    }

    @Test func bundledMonthReadsCompleteFromItsZip() throws {
        let bars = try MarketDataFile.bars(from: [Self.bundled + "/NEARUSDT-1m-2025-09.zip"])
        #expect(bars.count == 43_200)
        #expect(bars.openTimes.first == 1_756_684_800_000)
        let lastOpen: Int64 = 1_756_684_800_000 + 43_199 * 60_000
        #expect(bars.openTimes.last == lastOpen)
        #expect(zip(bars.openTimes.dropFirst(), bars.openTimes).allSatisfy { $0 - $1 == 60_000 })
        #expect(bars.close.first == 2.363)
    }

    @Test func numbersParseExactlyAsTheStandardLibraryDoes() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let values = ["0.00012359", "+0.5", "5.685", "96543.10", "0.1", "123456789.12345", "7", "1e-5", "2.5E+3", "0.000000001"]
        var text = ""
        for (index, value) in values.enumerated() {
            text += "\(1_700_000_000_000 + Int64(index) * 60_000),\(value),\(value),\(value),\(value),1\n"
        }
        let bars = try MarketDataFile.bars(from: [try write(text, "n.csv", in: scratch)])
        #expect(bars.open == values.map { Double($0)! })
    }

    @Test func filesContinueEachOther() throws {
        let both = try MarketDataFile.bars(from: [Self.bundled + "/NEARUSDT-1m-2025-09.zip", Self.bundled + "/NEARUSDT-1m-2025-11.zip"])
        #expect(both.count == 86_400)
        #expect(throws: MarketDataError.self) {
            try MarketDataFile.bars(from: [Self.bundled + "/NEARUSDT-1m-2025-11.zip", Self.bundled + "/NEARUSDT-1m-2025-09.zip"])
        }
    }

    @Test(arguments: [
        ("1756684800000,2.3650,2.3650,2.3590\n", "expected at least 6 columns"),
        ("1756684800000,abc,2.3650,2.3590,2.3630,1\n", "must be finite numbers"),
        ("1756684800000,2.3650,inf,2.3590,2.3630,1\n", "must be finite numbers"),
        ("1756684800000,2.3650,2.3600,2.3590,2.3630,1\n", "OHLC violation"),
        ("1756684800000,2.3650,2.3650,2.3590,2.3630,1\n1756684800000,2.3650,2.3650,2.3590,2.3630,1\n", "duplicate open_time 1756684800000"),
        ("hello,world\n", "neither a kline row nor the kline header"),
        ("", "no kline rows"),
    ])
    func badKlineFilesNameTheLineAndTheProblem(text: String, reason: String) throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = try write(text, "bad.csv", in: scratch)
        #expect {
            _ = try MarketDataFile.bars(from: [path])
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix(path) && description.contains(reason)
        }
    }

    @Test func truncatedZipIsAClearError() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.bundled + "/NEARUSDT-1m-2025-09.zip"))
        let path = scratch.file("NEARUSDT-1m-2025-09.zip")
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try MarketDataFile.bars(from: [path])
        } throws: { error in
            "\(error)".contains("not a readable zip archive")
        }
        #expect {
            _ = try MarketDataFile.bars(from: [scratch.file("missing.zip")])
        } throws: { error in
            "\(error)".hasSuffix("missing.zip: no such file")
        }
    }

    @Test func bundledFundingKeepsItsJitterAndIntervals() throws {
        let funding = try MarketDataFile.funding(from: [Self.bundled + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
        #expect(funding.count == 273)
        #expect(funding.times[0] == 1_756_684_800_000)
        #expect(funding.rates[0] == -0.00015969)
        #expect(funding.times[2] == 1_756_742_400_001)  // settlement jitter kept
        #expect(funding.intervalHours(at: 10) == 8)
    }

    @Test func badFundingRowsAreRefused() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = try write("calc_time,funding_interval_hours,last_funding_rate\n1756684800000,8,0.5\n", "f.csv", in: scratch)
        #expect {
            _ = try MarketDataFile.funding(from: [path])
        } throws: { error in
            "\(error)" == "\(path):2: funding rate 0.5 is not plausible (|rate| >= 10%)"
        }
        // `inf` and `nan` parse as numbers; neither passes the plausibility check.
        for rate in ["inf", "nan"] {
            let other = try write("1756684800000,8,\(rate)\n", "\(rate).csv", in: scratch)
            #expect {
                _ = try MarketDataFile.funding(from: [other])
            } throws: { error in
                "\(error)" == "\(other):1: funding rate \(rate) is not plausible (|rate| >= 10%)"
            }
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "../shared/data/binance-um-klines-1m"), "../shared/data is not beside the repository (extra check only)"))
    func everySharedMonthReadsWithoutGaps() throws {
        let folder = "../shared/data/binance-um-klines-1m"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".zip") }.sorted()
        #expect(files.count > 10)
        for file in files {
            let bars = try MarketDataFile.bars(from: [folder + "/" + file])
            #expect(zip(bars.openTimes.dropFirst(), bars.openTimes).allSatisfy { $0 - $1 == 60_000 }, "\(file)")
            #expect(bars.count >= 40_320, "\(file)")
        }
    }
}

/// aggTrades and trades files.
@Suite struct TradesFileTests {
    @Test func aggTradesAndTradesReadWithOrWithoutHeader() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let agg = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n26129,0.01633102,4.70443515,27781,27781,1498793709153,true\n26130,0.0164,1,27782,27783,1498793709153,false\n"
        let plain = "5053880937,68402.6,0.024,1641.6624,1717113600031,false\n5053880938,68402.7,0.001,68.4027,1717113600040,true\n"
        try agg.write(toFile: scratch.file("a.csv"), atomically: true, encoding: .utf8)
        try plain.write(toFile: scratch.file("t.csv"), atomically: true, encoding: .utf8)
        let aggregated = try MarketDataFile.trades(from: [scratch.file("a.csv")])
        #expect(aggregated.times == [1_498_793_709_153, 1_498_793_709_153])
        #expect(aggregated.prices == [0.01633102, 0.0164])
        let trades = try MarketDataFile.trades(from: [scratch.file("t.csv")])
        #expect(trades.times == [1_717_113_600_031, 1_717_113_600_040])
        #expect(trades.prices == [68402.6, 68402.7])
    }

    /// Reads `text` as a trades file and expects it refused, with `reason` on line 2.
    static func expectRefused(_ text: String, reason: String) throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.file("trades.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try MarketDataFile.trades(from: [path])
        } throws: { error in
            "\(error)" == "\(path):2: \(reason)"
        }
    }

    @Test func tradesGoingBackwardsAreRefused() throws {
        try Self.expectRefused("1,10.0,1,1,1,2000,true\n2,10.1,1,2,2,1000,false\n", reason: "trade time 1000 goes backwards")
    }

    @Test(arguments: ["inf", "nan", "-1", "0", "x"])
    func tradePricesThatAreNotPositiveFiniteNumbersAreRefused(price: String) throws {
        try Self.expectRefused(
            "1,10.0,1,1,1,1000,true\n2,\(price),1,2,2,2000,false\n", reason: "price must be a positive finite number and the time an integer")
    }
}
