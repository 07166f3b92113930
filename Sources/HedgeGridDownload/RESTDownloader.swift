import Foundation
import HedgeGridCore
import HedgeGridData

/// Downloads from Binance's USDⓈ-M REST API (`https://fapi.binance.com`) what the archives do
/// not have yet: 1-minute klines (`/fapi/v1/klines`, mark price from `/fapi/v1/markPriceKlines`;
/// 1,500 a call), funding rates (`/fapi/v1/fundingRate`; 1,000 a call) and aggTrades
/// (`/fapi/v1/aggTrades`; 1,000 a call, windows under one hour, then by id), paging by time. It
/// keeps the used request weight (`X-MBX-USED-WEIGHT-1M`) under 80% of the 2,400 a minute by
/// waiting for the next minute, and never stores a kline that has not closed.
public struct RESTDownloader: Sendable {
    public var baseURL: URL
    public var fetcher: HTTPFetcher
    public let catalog: MarketCatalog
    /// Waits when the used weight passes this share of the limit.
    public var weightLimit = 2_400
    public var weightMargin = 0.8
    /// Told about every wait for the weight limit.
    public var onWeightWait: @Sendable (Int, Duration) -> Void = { _, _ in }

    public static let defaultBaseURL = URL(string: "https://fapi.binance.com")!
    public static let klinesPerCall = 1_500
    public static let fundingPerCall = 1_000
    public static let tradesPerCall = 1_000

    public init(catalog: MarketCatalog, baseURL: URL = defaultBaseURL, fetcher: HTTPFetcher = HTTPFetcher()) {
        self.catalog = catalog
        self.baseURL = baseURL
        self.fetcher = fetcher
    }

    /// Fetches [start, end) of each kind (last, mark, funding) and stores it; returns new rows and requests made.
    public func download(symbol: String, kinds: [DataKind], start: Int64, end: Int64, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) async throws -> (rowsAdded: Int, requests: Int) {
        var added = 0
        var requests = 0
        for kind in kinds {
            switch kind {
            case .last, .mark:
                let path = kind == .last ? "/fapi/v1/klines" : "/fapi/v1/markPriceKlines"
                var cursor = start
                while cursor < end {
                    let page = try await get(path, ["symbol": symbol, "interval": "1m", "startTime": "\(cursor)", "endTime": "\(end - 1)", "limit": "\(Self.klinesPerCall)"])
                    requests += 1
                    guard let rows = page as? [[Any]] else { throw MarketDataError(file: baseURL.absoluteString + path, reason: "the answer is not a list of klines") }
                    var times: [Int64] = []
                    var columns: [[Double]] = [[], [], [], []]
                    for row in rows {
                        guard row.count >= 7, let open = Self.int(row[0]), let closeTime = Self.int(row[6]) else {
                            throw MarketDataError(file: baseURL.absoluteString + path, reason: "a kline without open and close times")
                        }
                        // The last kline of a recent window may still be open: never store it.
                        guard closeTime < now, open >= cursor, open < end else { continue }
                        var values: [Double] = []
                        for index in 1...4 {
                            guard let value = Self.double(row[index]) else { throw MarketDataError(file: baseURL.absoluteString + path, reason: "a kline price is not a number") }
                            values.append(value)
                        }
                        times.append(open)
                        for column in 0..<4 { columns[column].append(values[column]) }
                    }
                    if !times.isEmpty { added += try catalog.store(symbol: symbol, kind: kind, times: times, columns: columns) }
                    guard rows.count == Self.klinesPerCall, let last = rows.last.flatMap({ Self.int($0[0]) }) else { break }
                    cursor = last + 60_000
                }
            case .funding:
                var cursor = start
                while cursor < end {
                    let page = try await get("/fapi/v1/fundingRate", ["symbol": symbol, "startTime": "\(cursor)", "endTime": "\(end - 1)", "limit": "\(Self.fundingPerCall)"])
                    requests += 1
                    guard let rows = page as? [[String: Any]] else { throw MarketDataError(file: baseURL.absoluteString + "/fapi/v1/fundingRate", reason: "the answer is not a list of funding rates") }
                    var times: [Int64] = []
                    var rates: [Double] = []
                    for row in rows {
                        guard let time = Self.int(row["fundingTime"] as Any), let rate = Self.double(row["fundingRate"] as Any) else {
                            throw MarketDataError(file: baseURL.absoluteString + "/fapi/v1/fundingRate", reason: "a funding row without fundingTime and fundingRate")
                        }
                        if time >= cursor && time < end {
                            times.append(time)
                            rates.append(rate)
                        }
                    }
                    if !times.isEmpty { added += try catalog.store(symbol: symbol, kind: .funding, times: times, columns: [rates]) }
                    guard rows.count == Self.fundingPerCall, let last = times.last else { break }
                    cursor = last + 1
                }
            case .trades:
                // aggTrades: windows shorter than one hour by time, then by id within a window.
                var windowStart = start
                while windowStart < end {
                    let windowEnd = min(windowStart + 3_600_000 - 1, end - 1)
                    var times: [Int64] = []
                    var prices: [Double] = []
                    var query = ["symbol": symbol, "startTime": "\(windowStart)", "endTime": "\(windowEnd)", "limit": "\(Self.tradesPerCall)"]
                    paging: while true {
                        let page = try await get("/fapi/v1/aggTrades", query)
                        requests += 1
                        guard let rows = page as? [[String: Any]] else {
                            throw MarketDataError(file: baseURL.absoluteString + "/fapi/v1/aggTrades", reason: "the answer is not a list of trades")
                        }
                        var lastID: Int64?
                        for row in rows {
                            guard let id = Self.int(row["a"] as Any), let time = Self.int(row["T"] as Any), let price = Self.double(row["p"] as Any) else {
                                throw MarketDataError(file: baseURL.absoluteString + "/fapi/v1/aggTrades", reason: "a trade without a, p and T")
                            }
                            lastID = id
                            if time > windowEnd { break paging }
                            if time >= windowStart {
                                times.append(time)
                                prices.append(price)
                            }
                        }
                        guard rows.count == Self.tradesPerCall, let lastID else { break }
                        query = ["symbol": symbol, "fromId": "\(lastID + 1)", "limit": "\(Self.tradesPerCall)"]
                    }
                    if !times.isEmpty { added += try catalog.store(symbol: symbol, kind: .trades, times: times, columns: [prices]) }
                    windowStart = windowEnd + 1
                }
            }
        }
        return (added, requests)
    }

    /// Fetches `/fapi/v1/exchangeInfo` and stores the filters of every symbol.
    @discardableResult
    public func downloadInstruments() async throws -> Int {
        let url = baseURL.appendingPathComponent("/fapi/v1/exchangeInfo")
        let response = try await fetcher.get(url)
        guard response.status == 200 else { throw MarketDataError(file: url.absoluteString, reason: "HTTP \(response.status)") }
        let instruments = try ExchangeInfoParser.parse(response.body, source: url.absoluteString)
        try catalog.storeInstruments(instruments, source: url.absoluteString)
        return instruments.count
    }

    private func get(_ path: String, _ query: [String: String]) async throws -> Any {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let response = try await fetcher.get(components.url!)
        guard response.status == 200 else {
            throw MarketDataError(file: components.url!.absoluteString, reason: "HTTP \(response.status)")
        }
        if let used = response.headers["x-mbx-used-weight-1m"].flatMap(Int.init),
            let wait = weightWait(used: used, now: Int64(Date().timeIntervalSince1970 * 1000))
        {
            onWeightWait(used, wait)
            try await Task.sleep(for: wait)
        }
        do {
            return try JSONSerialization.jsonObject(with: response.body)
        } catch {
            throw MarketDataError(file: components.url!.absoluteString, reason: "the answer is not JSON")
        }
    }

    /// How long to wait before the next call when `used` weight has been spent this minute:
    /// until the next minute starts when it is past the margin, else nil.
    public func weightWait(used: Int, now: Int64) -> Duration? {
        guard Double(used) > Double(weightLimit) * weightMargin else { return nil }
        return .milliseconds(60_000 - now % 60_000 + 250)
    }

    static func int(_ value: Any) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    static func double(_ value: Any) -> Double? {
        if let text = value as? String { return Double(text) }
        if let number = value as? NSNumber { return number.doubleValue }
        return nil
    }
}
