import Crypto
import Foundation
import HedgeGridCore
import HedgeGridData

/// Downloads Binance's bulk archives (data.binance.vision, `futures/um`) into the catalog:
/// monthly files for complete months, daily files for the rest; each zip is checked against its
/// `.CHECKSUM` (SHA-256) before anything is stored; what the catalog already holds is not fetched.
public struct BulkDownloader: Sendable {
    /// How far a download has come.
    public struct Progress: Sendable {
        public var filesDone: Int
        public var filesTotal: Int
        public var rowsAdded: Int
        public var bytes: Int
        public var message: String
    }

    /// What a download did.
    public struct Summary: Sendable, Codable, Equatable {
        public var filesDownloaded: Int = 0
        public var filesSkipped: Int = 0
        /// Files the archive does not have (404): not published yet, or a known hole.
        public var missing: [String] = []
        /// The time ranges of those files, for the REST source to fill.
        public var missingRanges: [MissingRange] = []

        public init() {}
        public var rowsAdded: Int = 0
        public var bytes: Int = 0
    }

    /// A time range of one kind that the archive did not have.
    public struct MissingRange: Sendable, Codable, Equatable {
        public var kind: DataKind
        public var start: Int64
        public var end: Int64

        public init(kind: DataKind, start: Int64, end: Int64) {
            self.kind = kind
            self.start = start
            self.end = end
        }
    }

    /// One archive file to fetch.
    struct Item {
        var kind: DataKind
        var path: String
        var start: Int64
        var end: Int64
    }

    public var baseURL: URL
    public var fetcher: HTTPFetcher
    public let catalog: MarketCatalog

    public static let defaultBaseURL = URL(string: "https://data.binance.vision")!

    public init(catalog: MarketCatalog, baseURL: URL = defaultBaseURL, fetcher: HTTPFetcher = HTTPFetcher()) {
        self.catalog = catalog
        self.baseURL = baseURL
        self.fetcher = fetcher
    }

    /// The archive files covering [start, end) for each kind, given that days before `now`'s UTC
    /// day and months before its month are published.
    func plan(symbol: String, kinds: [DataKind], start: Int64, end: Int64, now: Int64) -> [Item] {
        let day: Int64 = 86_400_000
        let today = now / day * day
        var items: [Item] = []
        for kind in kinds {
            var month = UTCMonth(containing: start)
            while month.start < end {
                let monthName = month.description
                switch kind {
                case .funding:
                    if month.start < today {
                        items.append(Item(kind: kind, path: "data/futures/um/monthly/fundingRate/\(symbol)/\(symbol)-fundingRate-\(monthName).zip", start: month.start, end: month.end))
                    }
                case .last, .mark, .trades:
                    let dataset = kind == .last ? "klines" : kind == .mark ? "markPriceKlines" : "aggTrades"
                    let interval = kind == .trades ? "" : "1m/"
                    let name = kind == .trades ? "\(symbol)-aggTrades" : "\(symbol)-1m"
                    if month.start >= start && month.end <= end && month.end <= today {
                        items.append(Item(kind: kind, path: "data/futures/um/monthly/\(dataset)/\(symbol)/\(interval)\(name)-\(monthName).zip", start: month.start, end: month.end))
                    } else {
                        var dayStart = max(month.start, start / day * day)
                        while dayStart < min(month.end, end) && dayStart + day <= today {
                            let date = Date(timeIntervalSince1970: Double(dayStart) / 1000).formatted(.iso8601.year().month().day())
                            items.append(Item(kind: kind, path: "data/futures/um/daily/\(dataset)/\(symbol)/\(interval)\(name)-\(date).zip", start: dayStart, end: dayStart + day))
                            dayStart += day
                        }
                    }
                }
                month = month.next
            }
        }
        return items
    }

    /// Whether the catalog already has all of an item.
    func isCovered(_ item: Item, symbol: String) throws -> Bool {
        let rows = try catalog.rows(symbol: symbol, kind: item.kind, start: item.start, end: item.end)
        switch item.kind {
        case .last, .mark: return rows.times.count == Int((item.end - item.start) / 60_000)
        case .funding, .trades: return !rows.times.isEmpty
        }
    }

    /// Downloads what is missing; progress is reported after every file.
    public func download(
        symbol: String, kinds: [DataKind], start: Int64, end: Int64, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000),
        progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Summary {
        let items = plan(symbol: symbol, kinds: kinds, start: start, end: end, now: now)
        var summary = Summary()
        // What no archive covers yet (the current day; for funding the current month) goes to REST.
        for kind in kinds {
            let covered = items.filter { $0.kind == kind }.map(\.end).max() ?? start
            let upTo = min(end, now)
            if covered < upTo { summary.missingRanges.append(MissingRange(kind: kind, start: max(covered, start), end: upTo)) }
        }
        let scratch = catalog.root + "/.downloads"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        for (index, item) in items.enumerated() {
            try Task.checkCancellation()
            if try isCovered(item, symbol: symbol) {
                summary.filesSkipped += 1
            } else {
                try await fetch(item, symbol: symbol, scratch: scratch, summary: &summary)
            }
            progress(Progress(filesDone: index + 1, filesTotal: items.count, rowsAdded: summary.rowsAdded, bytes: summary.bytes, message: (item.path as NSString).lastPathComponent))
        }
        return summary
    }

    private func fetch(_ item: Item, symbol: String, scratch: String, summary: inout Summary) async throws {
        let url = baseURL.appendingPathComponent(item.path)
        let checksumURL = URL(string: url.absoluteString + ".CHECKSUM")!
        let checksum = try await fetcher.get(checksumURL)
        let archive = try await fetcher.get(url)
        guard archive.status == 200 else {
            summary.missing.append(item.path)
            summary.missingRanges.append(MissingRange(kind: item.kind, start: item.start, end: item.end))
            return
        }
        summary.bytes += archive.body.count + checksum.body.count
        guard checksum.status == 200, let expected = String(data: checksum.body, encoding: .utf8)?.split(separator: " ").first.map(String.init) else {
            throw MarketDataError(file: url.absoluteString, reason: "no .CHECKSUM for this archive; nothing stored")
        }
        let actual = SHA256.hash(data: archive.body).map { String(format: "%02x", $0) }.joined()
        guard actual == expected.lowercased() else {
            throw MarketDataError(file: url.absoluteString, reason: "SHA-256 mismatch (expected \(expected), got \(actual)); nothing stored")
        }
        let local = scratch + "/" + (item.path as NSString).lastPathComponent
        try archive.body.write(to: URL(fileURLWithPath: local))
        defer { try? FileManager.default.removeItem(atPath: local) }
        summary.rowsAdded += try catalog.importFiles([local], symbol: symbol, kind: item.kind)
        summary.filesDownloaded += 1
    }
}
