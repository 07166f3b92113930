import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridTestSupport
import Testing

/// The catalog: months, import, merge without duplicates, and what a bad chunk gives.
@Suite struct MarketCatalogTests {
    static var bundled: String { MarketDataFileTests.bundled }

    @Test(arguments: [Int64(0), 951_782_399_999, 951_782_400_000, 1_756_684_800_000, 1_759_276_799_999, -1, 4_102_444_800_000])
    func monthsAgreeWithTheCalendar(milliseconds: Int64) {
        let month = UTCMonth(containing: milliseconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        #expect(month.year == parts.year && month.month == parts.month)
        #expect(month.start <= milliseconds && milliseconds < month.end)
        let start = calendar.date(from: DateComponents(year: month.year, month: month.month, day: 1))!
        #expect(month.start == Int64(start.timeIntervalSince1970 * 1000))
    }

    @Test func importedFilesReadBackExactly() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        let files = [Self.bundled + "/NEARUSDT-1m-2025-09.zip", Self.bundled + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"]
        #expect(try catalog.importFiles(files) == 43_200 + 273)
        let direct = try MarketDataFile.bars(from: [files[0]])
        let stored = try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max)
        #expect(stored == direct)
        let funding = try catalog.funding(symbol: "NEARUSDT", start: 0, end: .max)
        #expect(funding == (try MarketDataFile.funding(from: [files[1]])))
        let coverage = try catalog.coverage()
        #expect(coverage.map(\.kind) == ["funding", "last"])
        #expect(coverage[1].months == ["2025-09"])
        #expect(coverage[1].missingBars == 0)
        #expect(coverage[0].months == ["2025-09", "2025-10", "2025-11"])
    }

    @Test func importingAgainAddsNothingAndOverlapsNeverDuplicate() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        let file = Self.bundled + "/NEARUSDT-1m-2025-09.zip"
        try catalog.importFiles([file])
        #expect(try catalog.importFiles([file]) == 0)
        // An overlapping piece (the first two days again, as another download might bring).
        let bars = try MarketDataFile.bars(from: [file])
        let head = 2 * 1_440
        #expect(try catalog.store(symbol: "NEARUSDT", kind: .last, times: Array(bars.openTimes[..<head]),
                                  columns: [Array(bars.open[..<head]), Array(bars.high[..<head]), Array(bars.low[..<head]), Array(bars.close[..<head])]) == 0)
        #expect(try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max).count == 43_200)
        // Reopening sees the same.
        #expect(try MarketCatalog(root: scratch.path).coverage().first?.rows == 43_200)
    }

    @Test func rangesAreStartInclusiveEndExclusive() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        try catalog.importFiles([Self.bundled + "/NEARUSDT-1m-2025-09.zip", Self.bundled + "/NEARUSDT-1m-2025-11.zip"])
        let start: Int64 = 1_759_190_400_000  // 2025-09-30T00:00Z
        let end: Int64 = 1_762_041_600_000    // 2025-11-02T00:00Z
        let bars = try catalog.bars(symbol: "NEARUSDT", start: start, end: end)
        #expect(bars.openTimes.first == start)
        #expect(bars.openTimes.last == end - 60_000)
        #expect(bars.count == 1_440 + 1_440)  // Sep 30 and Nov 1; October is not there
        #expect(try catalog.coverage().first?.missingBars == 31 * 1_440)
    }

    @Test func aTruncatedChunkIsAClearErrorAndAHalfWrittenOneIsInvisible() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path, cache: nil)
        try catalog.importFiles([Self.bundled + "/NEARUSDT-1m-2025-09.zip"])
        let chunk = scratch.path + "/BINANCE/NEARUSDT/last/2025-09.bin"
        // A temporary file left by a killed import is never read.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: chunk + ".tmp-999"))
        #expect(try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max).count == 43_200)
        let data = try Data(contentsOf: URL(fileURLWithPath: chunk))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: chunk))
        #expect {
            _ = try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max)
        } throws: { error in
            "\(error)".contains("2025-09.bin") && "\(error)".contains("truncated?")
        }
    }

    @Test func unknownFileNamesNeedTheKindAndSymbol() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        let copy = scratch.file("september.zip")
        try FileManager.default.copyItem(atPath: Self.bundled + "/NEARUSDT-1m-2025-09.zip", toPath: copy)
        #expect {
            try catalog.importFiles([copy])
        } throws: { error in
            "\(error)".contains("cannot tell the data type from the file name")
        }
        #expect(try catalog.importFiles([copy], symbol: "NEARUSDT", kind: .mark) == 43_200)
        #expect(try catalog.coverage().map(\.kind) == ["mark"])
    }

    @Test func aBadFileStoresNothing() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        let bad = scratch.file("NEARUSDT-1m-2025-12.csv")
        try "1764547200000,2,1,2,2,1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: MarketDataError.self) {
            try catalog.importFiles([Self.bundled + "/NEARUSDT-1m-2025-09.zip", bad])
        }
        #expect(try catalog.coverage().isEmpty)
    }
}

/// Reads kept in memory.
@Suite struct SeriesCacheTests {
    @Test func repeatedReadsComeFromMemoryUntilTheChunkChanges() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let cache = SeriesCache(capacityBytes: 64 << 20)
        let catalog = try MarketCatalog(root: scratch.path, cache: cache)
        try catalog.importFiles([MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-09.zip"])
        let first = try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max)
        let second = try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max)
        #expect(first == second)
        #expect(cache.statistics.hits == 1 && cache.statistics.misses == 1)
        // Rewriting the same times with other values bumps the chunk's version: no stale read.
        try catalog.store(symbol: "NEARUSDT", kind: .last, times: [first.openTimes[0]], columns: [[9], [9], [9], [9]])
        let third = try catalog.bars(symbol: "NEARUSDT", start: 0, end: .max)
        #expect(third.close[0] == 9)
        #expect(cache.statistics.misses == 2)
    }

    @Test func theCacheStaysWithinItsCapacity() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let cache = SeriesCache(capacityBytes: 43_200 * 40 + 100)  // one month of bars
        let catalog = try MarketCatalog(root: scratch.path, cache: cache)
        try catalog.importFiles([MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-09.zip", MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-11.zip"])
        _ = try catalog.bars(symbol: "NEARUSDT", start: 0, end: 1_759_276_800_000)
        _ = try catalog.bars(symbol: "NEARUSDT", start: 1_759_276_800_000, end: .max)
        #expect(cache.statistics.entries == 1)
        #expect(cache.statistics.bytes <= cache.capacityBytes)
    }
}

/// `CatalogVerifier` and deletion.
@Suite struct CatalogVerifierTests {
    @Test func aMissingMonthIsAGapWithItsRange() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        try catalog.importFiles([MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-09.zip", MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-11.zip",
                                 MarketCatalogTests.bundled + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
        let report = try CatalogVerifier(catalog: catalog).verify(symbol: "NEARUSDT")
        #expect(!report.ok)
        #expect(report.counts == ["last.gap": 1])
        let gap = try #require(report.findings.first)
        #expect(gap.from == 1_759_276_800_000)  // 2025-10-01T00:00Z
        #expect(gap.to == 1_761_955_200_000)    // 2025-11-01T00:00Z
        #expect(gap.detail == "\(31 * 1_440) missing minutes")
        // September alone is clean.
        #expect(try CatalogVerifier(catalog: catalog).verify(symbol: "NEARUSDT", start: 0, end: 1_759_276_800_000).ok)
    }

    @Test func ohlcViolationsAndIrregularFundingAreFound() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        let t: Int64 = 1_756_684_800_000
        try catalog.store(symbol: "X", kind: .last, times: [t, t + 60_000], columns: [[1, 1], [1.1, 0.9], [0.9, 0.95], [1.05, 1.0]])
        try catalog.store(symbol: "X", kind: .funding, times: [t, t + 8 * 3_600_000 + 3, t + 13 * 3_600_000], columns: [[0.0001, 0.0001, 0.0001]])
        let report = try CatalogVerifier(catalog: catalog).verify(symbol: "X")
        #expect(report.counts == ["last.ohlc": 1, "funding.funding_interval": 1])
        #expect(report.findings.first { $0.problem == "ohlc" }?.from == t + 60_000)
        #expect(report.findings.first { $0.problem == "funding_interval" }?.detail == "5.000 hours between settlements")
    }

    @Test func deleteRemovesTheDataAndItsFiles() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path)
        try catalog.importFiles([MarketCatalogTests.bundled + "/NEARUSDT-1m-2025-09.zip", MarketCatalogTests.bundled + "/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
        #expect(try catalog.delete(symbol: "NEARUSDT", kind: .funding) == 273)
        #expect(try catalog.coverage().map(\.kind) == ["last"])
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/BINANCE/NEARUSDT/funding/2025-09.bin"))
        #expect(try catalog.delete(symbol: "NEARUSDT") == 43_200)
        #expect(try catalog.coverage().isEmpty)
    }
}

/// Trades share milliseconds: storing keeps them all and a re-import does not duplicate.
@Suite struct CatalogTradesTests {
    @Test func tradesAtTheSameMillisecondAllSurviveAndReimportsReplaceTheirSpan() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = try MarketCatalog(root: scratch.path, cache: nil)
        let t: Int64 = 1_756_684_800_000
        let times: [Int64] = [t, t, t + 5, t + 5, t + 9]
        let prices = [1.0, 1.1, 1.2, 1.3, 1.4]
        #expect(try catalog.store(symbol: "X", kind: .trades, times: times, columns: [prices]) == 5)
        #expect(try catalog.store(symbol: "X", kind: .trades, times: times, columns: [prices]) == 0)
        let stored = try catalog.trades(symbol: "X", start: 0, end: .max)
        #expect(stored.times == times)
        #expect(stored.prices == prices)
        // A later window adds to it.
        #expect(try catalog.store(symbol: "X", kind: .trades, times: [t + 20, t + 20], columns: [[2.0, 2.1]]) == 2)
        #expect(try catalog.trades(symbol: "X", start: 0, end: .max).count == 7)
    }
}
