import Crypto
import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridDownload
import HedgeGridTestSupport
import Testing
import ZIPFoundation

/// Bulk archive downloads against a real HTTP server on 127.0.0.1 serving Binance's layout.
@Suite struct BulkDownloaderTests {
    static let monthPath = "/data/futures/um/monthly/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09.zip"
    static let september: Int64 = 1_756_684_800_000
    static let october: Int64 = 1_759_276_800_000

    static func checksum(_ data: Data, name: String) -> Data {
        Data((SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() + "  " + name + "\n").utf8)
    }

    /// Serves `data` at `path` with its `.CHECKSUM`.
    static func serve(_ server: LocalHTTPServer, _ path: String, _ data: Data) {
        server.set(path, .ok(data))
        server.set(path + ".CHECKSUM", .ok(checksum(data, name: (path as NSString).lastPathComponent)))
    }

    /// A zip holding one CSV, named like the archive's.
    static func zip(_ csv: String, name: String, in scratch: Scratch) throws -> Data {
        let path = scratch.file(name + ".zip")
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        let bytes = Data(csv.utf8)
        try archive.addEntry(with: name + ".csv", type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
            bytes.subdata(in: Int(position)..<Int(position) + size)
        }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func fastFetcher(timeout: TimeInterval = 10) -> HTTPFetcher {
        HTTPFetcher(maxAttempts: 3, baseDelay: .milliseconds(1), timeout: timeout)
    }

    func month() throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"))
    }

    @Test func monthlyFileWithAGoodChecksumIsStoredAndNotFetchedAgain() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        Self.serve(server, Self.monthPath, try month())
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: Self.fastFetcher())
        let summary = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        #expect(summary.filesDownloaded == 1 && summary.rowsAdded == 43_200)
        #expect(try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max) == (try MarketDataFile.bars(from: [RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"])))
        let requests = server.requests()
        let again = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        #expect(again.filesSkipped == 1 && again.filesDownloaded == 0)
        #expect(server.requests() == requests)
    }

    @Test func checksumMismatchStoresNothing() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        server.set(Self.monthPath, .ok(try month()))
        server.set(Self.monthPath + ".CHECKSUM", .ok(Data((String(repeating: "0", count: 64) + "  NEARUSDT-1m-2025-09.zip\n").utf8)))
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: Self.fastFetcher())
        await #expect {
            _ = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        } throws: { error in
            "\(error)".contains("SHA-256 mismatch") && "\(error)".contains("nothing stored")
        }
        #expect(try catalog.coverage().isEmpty)
    }

    @Test func dailyFilesWithAndWithoutHeaderAndAMissingDay() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        let rows = try String(decoding: MarketDataFile.csvBytes(at: RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"), as: UTF8.self)
            .split(separator: "\n")
        let header = String(rows[0])
        let day29 = rows[(1 + 28 * 1_440)..<(1 + 29 * 1_440)].joined(separator: "\n") + "\n"
        let day30 = rows[(1 + 29 * 1_440)..<(1 + 30 * 1_440)].joined(separator: "\n") + "\n"
        Self.serve(server, "/data/futures/um/daily/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09-29.zip", try Self.zip(header + "\n" + day29, name: "NEARUSDT-1m-2025-09-29", in: scratch))
        Self.serve(server, "/data/futures/um/daily/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09-30.zip", try Self.zip(day30, name: "NEARUSDT-1m-2025-09-30", in: scratch))
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: Self.fastFetcher())
        // Sep 29 to Oct 2 with "now" on Oct 2: Sep 29, Sep 30 and Oct 1 are published days; Oct 1 is a hole.
        let summary = try await downloader.download(
            symbol: "NEARUSDT", kinds: [.last], start: Self.october - 2 * 86_400_000, end: Self.october + 86_400_000, now: Self.october + 86_400_000 + 1)
        #expect(summary.filesDownloaded == 2)
        #expect(summary.missing == ["data/futures/um/daily/klines/NEARUSDT/1m/NEARUSDT-1m-2025-10-01.zip"])
        #expect(try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max).count == 2 * 1_440)
    }

    @Test func serverErrorsAndRateLimitsAreRetried() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        let data = try month()
        server.set(Self.monthPath, .sequence([.status(500), .status(429, headers: ["Retry-After": "0"]), .resetMidBody(data), .ok(data)]))
        server.set(Self.monthPath + ".CHECKSUM", .ok(Self.checksum(data, name: "NEARUSDT-1m-2025-09.zip")))
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let waits = LockedList<String>()
        var fetcher = HTTPFetcher(maxAttempts: 5, baseDelay: .milliseconds(1), timeout: 10)
        fetcher.onWait = { _, reason, _ in waits.append(reason) }
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: fetcher)
        let summary = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        #expect(summary.rowsAdded == 43_200)
        #expect(server.requests(Self.monthPath) == 4)
        #expect(waits.values.contains("HTTP 500"))
        #expect(waits.values.contains("HTTP 429 rate limit"))
    }

    @Test func aBanStopsAndAPersistentFaultGivesUpWithAClearError() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        server.set(Self.monthPath + ".CHECKSUM", .status(418, headers: ["Retry-After": "120"], body: Data(#"{"code":-1003,"msg":"Way too many requests; IP banned until 1659146760000."}"#.utf8)))
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: Self.fastFetcher())
        await #expect {
            _ = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        } throws: { error in
            "\(error)".contains("HTTP 418: this IP is banned by Binance; retry after 120 s") && "\(error)".contains("IP banned until 1659146760000")
        }
        server.set(Self.monthPath + ".CHECKSUM", .ok(Self.checksum(try month(), name: "NEARUSDT-1m-2025-09.zip")))
        server.set(Self.monthPath, .resetMidBody(try month()))
        await #expect {
            _ = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        } throws: { error in
            "\(error)".contains("gave up after 3 attempts")
        }
        #expect(try catalog.coverage().isEmpty)
    }

    @Test func aSlowServerTimesOut() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        server.set(Self.monthPath + ".CHECKSUM", .slow(.seconds(3), Data()))
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let downloader = BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: HTTPFetcher(maxAttempts: 1, baseDelay: .milliseconds(1), timeout: 0.5))
        await #expect {
            _ = try await downloader.download(symbol: "NEARUSDT", kinds: [.last], start: Self.september, end: Self.october, now: Self.october + 86_400_000)
        } throws: { error in
            "\(error)".contains("network error")
        }
    }
}


/// More fault and equivalence checks.
@Suite struct DownloadEquivalenceTests {
    @Test func rateLimitWithoutRetryAfterBacksOff() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let server = try LocalHTTPServer()
        let data = try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"))
        server.set(BulkDownloaderTests.monthPath, .sequence([.status(429), .ok(data)]))
        server.set(BulkDownloaderTests.monthPath + ".CHECKSUM", .ok(BulkDownloaderTests.checksum(data, name: "NEARUSDT-1m-2025-09.zip")))
        let waits = LockedList<String>()
        var fetcher = BulkDownloaderTests.fastFetcher()
        fetcher.onWait = { _, reason, _ in waits.append(reason) }
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let summary = try await BulkDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: fetcher)
            .download(symbol: "NEARUSDT", kinds: [.last], start: BulkDownloaderTests.september, end: BulkDownloaderTests.october, now: BulkDownloaderTests.october + 86_400_000)
        #expect(summary.rowsAdded == 43_200)
        #expect(waits.values == ["HTTP 429 rate limit"])
    }

    @Test func fundingIsPagedAtOneThousand() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let start = BulkDownloaderTests.september
        let times: [Int64] = (0..<2_500).map { start + Int64($0) * 3_600_000 }  // hourly for ~104 days
        let server = try LocalHTTPServer()
        server.handle("/fapi/v1/fundingRate") { query in
            let from = Int64(query["startTime"] ?? "0") ?? 0
            let to = Int64(query["endTime"] ?? "") ?? .max
            let limit = min(Int(query["limit"] ?? "100") ?? 100, 1_000)
            let rows = times.filter { $0 >= from && $0 <= to }.prefix(limit).map { "{\"fundingTime\":\($0),\"fundingRate\":\"0.00010000\"}" }
            return .ok(Data("[\(rows.joined(separator: ","))]".utf8))
        }
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        let result = try await RESTDownloader(catalog: catalog, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
            .download(symbol: "X", kinds: [.funding], start: start, end: start + 2_500 * 3_600_000)
        #expect(result.requests == 3)
        #expect(try catalog.funding(symbol: "X", start: 0, end: .max).count == 2_500)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "../shared/data/binance-um-klines-1m/FILUSDT-1m-2023-04.zip"),
                   "../shared/data is not beside the repository (extra check only)"))
    func importingSharedFilesEqualsDownloadingThem() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let file = "../shared/data/binance-um-klines-1m/FILUSDT-1m-2023-04.zip"
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let server = try LocalHTTPServer()
        BulkDownloaderTests.serve(server, "/data/futures/um/monthly/klines/FILUSDT/1m/FILUSDT-1m-2023-04.zip", data)
        let downloaded = try MarketCatalog(root: scratch.file("downloaded"), cache: nil)
        let april: Int64 = 1_680_307_200_000
        _ = try await BulkDownloader(catalog: downloaded, baseURL: server.baseURL, fetcher: BulkDownloaderTests.fastFetcher())
            .download(symbol: "FILUSDT", kinds: [.last], start: april, end: april + 30 * 86_400_000, now: april + 40 * 86_400_000)
        let imported = try MarketCatalog(root: scratch.file("imported"), cache: nil)
        try imported.importFiles([file])
        let a = try downloaded.bars(symbol: "FILUSDT", start: 0, end: .max)
        let b = try imported.bars(symbol: "FILUSDT", start: 0, end: .max)
        #expect(a.count == 43_200)
        #expect(a == b)
        #expect(try downloaded.coverage() == imported.coverage())
    }
}
