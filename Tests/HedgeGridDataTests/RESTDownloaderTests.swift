import Foundation
import HedgeGridCore
import HedgeGridData
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
        let bars = try MarketDataFile.bars(from: [MarketDataFileTests.bundled + "/NEARUSDT-1m-2025-09.zip"])
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
        let bars = try MarketDataFile.bars(from: [MarketDataFileTests.bundled + "/NEARUSDT-1m-2025-09.zip"])
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
        let funding = try MarketDataFile.funding(from: [MarketDataFileTests.bundled + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
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
