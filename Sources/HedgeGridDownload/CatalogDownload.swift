import Foundation
import HedgeGridData

/// One `data/download` as the daemon runs it (in its `hedgegrid-fetch` helper): the bulk
/// archives first, then the REST API for what they lack (`auto`), or one source only.
public struct CatalogDownload: Sendable, Codable, Equatable {
    public var symbol: String
    public var kinds: [DataKind]
    public var start: Int64
    public var end: Int64
    /// `auto`, `bulk` or `rest`.
    public var mode: String
    public var bulkURL: URL
    public var restURL: URL
    public var catalogRoot: String

    public init(symbol: String, kinds: [DataKind], start: Int64, end: Int64, mode: String, bulkURL: URL, restURL: URL, catalogRoot: String) {
        self.symbol = symbol
        self.kinds = kinds
        self.start = start
        self.end = end
        self.mode = mode
        self.bulkURL = bulkURL
        self.restURL = restURL
        self.catalogRoot = catalogRoot
    }

    /// What a download did.
    public struct Outcome: Sendable, Codable, Equatable {
        public var catalog: String
        public var summary: BulkDownloader.Summary
        public var restRequests: Int
    }

    /// A failure with the protocol error code it maps to (-32030: data failed).
    public struct Failure: Error, Codable, CustomStringConvertible, Sendable {
        public var code: Int
        public var message: String
        public var description: String { message }
    }

    /// Runs the download; `report` gets a percentage (when known) and a message as it goes.
    public func run(report: @escaping @Sendable (Int?, String) -> Void) async throws -> Outcome {
        do {
            let catalog = try MarketCatalog(root: catalogRoot)
            var fetcher = HTTPFetcher()
            fetcher.onWait = { url, reason, wait in report(nil, "waiting \(wait) after \(reason): \((url as NSString).lastPathComponent)") }
            var summary = BulkDownloader.Summary()
            var restRanges = kinds.map { BulkDownloader.MissingRange(kind: $0, start: start, end: end) }
            if mode != "rest" {
                let downloader = BulkDownloader(catalog: catalog, baseURL: bulkURL, fetcher: fetcher)
                summary = try await downloader.download(symbol: symbol, kinds: kinds, start: start, end: end) { step in
                    let percentage = step.filesTotal > 0 ? step.filesDone * 100 / step.filesTotal : 100
                    report(mode == "auto" ? percentage * 9 / 10 : percentage, "\(step.filesDone)/\(step.filesTotal) files, \(step.rowsAdded) rows, \(step.bytes) bytes: \(step.message)")
                }
                restRanges = summary.missingRanges
            }
            var restRequests = 0
            if mode != "bulk" {
                var rest = RESTDownloader(catalog: catalog, baseURL: restURL, fetcher: fetcher)
                rest.onWeightWait = { used, wait in report(nil, "request weight \(used) of 2400 used: waiting \(wait) for the next minute") }
                do {
                    try await rest.downloadInstruments()
                } catch {
                    report(nil, "instrument filters not updated: \(error)")
                }
                for range in restRanges {
                    report(nil, "REST \(range.kind.rawValue) from \(range.start) to \(range.end)")
                    let result = try await rest.download(symbol: symbol, kinds: [range.kind], start: range.start, end: range.end)
                    summary.rowsAdded += result.rowsAdded
                    restRequests += result.requests
                }
            }
            return Outcome(catalog: catalogRoot, summary: summary, restRequests: restRequests)
        } catch let error as MarketDataError {
            throw Failure(code: -32030, message: error.description)
        } catch let error as HTTPFetcher.FetchError {
            throw Failure(code: -32030, message: error.description)
        }
    }
}
