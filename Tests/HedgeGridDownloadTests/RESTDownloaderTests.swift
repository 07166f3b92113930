import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridDownload
import HedgeGridTestSupport
import Testing

/// REST downloads against a local server answering like `fapi.binance.com`.
@Suite struct RESTDownloaderTests {
    static let september = BulkDownloaderTests.september
    static let october = BulkDownloaderTests.october

    /// Serves `/fapi/v1/klines` from real bars, at most `limit` a call, in Binance's JSON layout.
    static func serveKlines(_ server: LocalHTTPServer, bars: BarSeries, weight: Int = 10) {
        server.handle("/fapi/v1/klines") { query in
            let start = Int64(query["startTime"] ?? "0") ?? 0
            let end = Int64(query["endTime"] ?? "") ?? .max
            let limit = min(Int(query["limit"] ?? "500") ?? 500, 1_500)
            var rows: [String] = []
            var index = bars.openTimes.firstIndex(atOrAfter: start)
            while index < bars.count && bars.openTimes[index] <= end && rows.count < limit {
                let open = bars.openTimes[index]
                rows.append("[\(open),\"\(bars.open[index])\",\"\(bars.high[index])\",\"\(bars.low[index])\",\"\(bars.close[index])\",\"1\",\(open + 59_999),\"1\",1,\"1\",\"1\",\"0\"]")
                index += 1
            }
            return .status(200, headers: ["X-MBX-USED-WEIGHT-1M": "\(weight)", "Content-Type": "application/json"], body: Data("[\(rows.joined(separator: ","))]".utf8))
        }
    }

    @Test func klinesArePagedAtTheDocumentedLimit() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let bars = try MarketDataFile.bars(from: [RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"])
        let server = try LocalHTTPServer()
        Self.serveKlines(server, bars: bars)
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = RESTDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
        let result = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 60_000)
        #expect(result.rowsAdded == 43_200)
        #expect(result.requests == 29)  // 28 full pages of 1,500 and one of 1,200
        #expect(server.requests("/fapi/v1/klines") == 29)
        #expect(try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max) == bars)
    }

    @Test func aKlineThatHasNotClosedIsNotStored() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let bars = try MarketDataFile.bars(from: [RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"])
        let server = try LocalHTTPServer()
        Self.serveKlines(server, bars: bars)
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = RESTDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
        // "Now" is 30 s into the 10th minute: that minute's kline is still open.
        let now = Self.september + 9 * 60_000 + 30_000
        let result = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.september + 10 * 60_000, now: now)
        #expect(result.rowsAdded == 9)
    }

    @Test func fundingRatesComeFromTheirEndpoint() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let funding = try MarketDataFile.funding(from: [RepositoryFiles.bundledData + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
        let server = try LocalHTTPServer()
        server.handle("/fapi/v1/fundingRate") { query in
            let start = Int64(query["startTime"] ?? "0") ?? 0
            let end = Int64(query["endTime"] ?? "") ?? .max
            let rows = zip(funding.times, funding.rates).filter { $0.0 >= start && $0.0 <= end }.prefix(1_000)
                .map { "{\"symbol\":\"NEARUSDT\",\"fundingTime\":\($0.0),\"fundingRate\":\"\(String(format: "%.8f", $0.1))\",\"markPrice\":\"\"}" }
            return .ok(Data("[\(rows.joined(separator: ","))]".utf8))
        }
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = RESTDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
        let result = try await downloader.download(symbol: "NEARUSDT", kinds: [.funding], start: Self.september, end: Self.october)
        #expect(result.requests == 1)
        let stored = try catalog.funding(symbol: "NEARUSDT", start: 0, end: .max)
        #expect(stored.count == funding.times.filter { $0 >= Self.september && $0 < Self.october }.count)
        #expect(stored.rates.first == funding.rates.first)
    }

    @Test func theWeightLimitWaitsForTheNextMinute() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let downloader = RESTDownloader(catalog: try MarketCatalog(root: scratch.path, cache: nil))
        #expect(downloader.weightWait(used: 1_000, now: 0) == nil)
        #expect(downloader.weightWait(used: 2_000, now: 45_000) == .milliseconds(15_250))
    }
}

/// aggTrades over REST: one-hour windows, then paging by id.
@Suite struct RESTTradesTests {
    @Test func tradesComeInWindowsUnderAnHourAndPagesById() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let start = RESTDownloaderTests.september
        // 3,500 trades over two hours, several per millisecond at times.
        var built: [(id: Int64, time: Int64, price: Double)] = []
        for index in 0..<3_500 {
            let id = Int64(10_000 + index)
            let time: Int64 = start + Int64(index / 2) * 2_000
            let price: Double = 2.0 + Double(index % 7) / 1_000
            built.append((id, time, price))
        }
        let trades = built
        let server = try LocalHTTPServer()
        let spans = LockedList<Int64>()
        server.handle("/fapi/v1/aggTrades") { query in
            var selected: ArraySlice<(id: Int64, time: Int64, price: Double)>
            if let fromID = query["fromId"].flatMap(Int64.init) {
                selected = trades.drop { $0.id < fromID }.prefix(1_000)
            } else {
                let from = Int64(query["startTime"] ?? "0") ?? 0
                let to = Int64(query["endTime"] ?? "0") ?? 0
                spans.append(to - from)
                guard to - from < 3_600_000 else { return .status(400, body: Data(#"{"code":-1127,"msg":"More than 1 hours between startTime and endTime."}"#.utf8)) }
                selected = trades.filter { $0.time >= from && $0.time <= to }.prefix(1_000)
            }
            let rows: [String] = selected.map { trade in
                "{\"a\":\(trade.id),\"p\":\"\(trade.price)\",\"q\":\"1\",\"f\":1,\"l\":1,\"T\":\(trade.time),\"m\":true}"
            }
            return .ok(Data("[\(rows.joined(separator: ","))]".utf8))
        }
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = RESTDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
        let end = start + 2 * 3_600_000
        let result = try await downloader.download(symbol: "NEARUSDT", kinds: [.trades], start: start, end: end)
        let stored = try catalog.trades(symbol: "NEARUSDT", start: 0, end: .max)
        let expected = trades.filter { $0.time < end }
        #expect(stored.count == expected.count)
        #expect(stored.times == expected.map(\.time))
        #expect(result.rowsAdded == expected.count)
        #expect(spans.values.allSatisfy { $0 < 3_600_000 })
        #expect(spans.values.count == 2)  // two one-hour windows
        #expect(result.requests > 2)      // and id pages inside them
    }
}
