import HedgeGridCore

/// Checks what the catalog holds for a symbol: gaps in the 1-minute bars (with their ranges),
/// times out of order or repeated, OHLC violations, and funding intervals that are not regular.
public struct CatalogVerifier: Sendable {
    /// One problem found.
    public struct Finding: Sendable, Codable, Equatable {
        public var kind: String
        /// `gap`, `duplicate`, `out_of_order`, `ohlc`, `funding_interval`.
        public var problem: String
        public var from: Int64
        public var to: Int64
        public var detail: String
    }

    /// The verdict for one symbol.
    public struct Report: Sendable, Codable, Equatable {
        public var symbol: String
        public var start: Int64
        public var end: Int64
        public var rowsChecked: [String: Int]
        /// At most `limit` findings per problem kind are listed; `counts` has them all.
        public var findings: [Finding]
        public var counts: [String: Int]
        public var ok: Bool { counts.values.allSatisfy { $0 == 0 } }
    }

    public let catalog: MarketCatalog
    public let limit: Int

    public init(catalog: MarketCatalog, limit: Int = 20) {
        self.catalog = catalog
        self.limit = limit
    }

    public func verify(venue: String = "BINANCE", symbol: String, start: Int64 = .min, end: Int64 = .max) throws -> Report {
        var findings: [Finding] = []
        var counts: [String: Int] = [:]
        var rowsChecked: [String: Int] = [:]
        func note(_ finding: Finding) {
            let key = "\(finding.kind).\(finding.problem)"
            counts[key, default: 0] += 1
            if counts[key]! <= limit { findings.append(finding) }
        }
        for kind in [DataKind.last, .mark] {
            let bars = try catalog.bars(venue: venue, symbol: symbol, kind: kind, start: start, end: end)
            guard !bars.isEmpty else { continue }
            rowsChecked[kind.rawValue] = bars.count
            for index in 0..<bars.count {
                let (open, high, low, close) = (bars.open[index], bars.high[index], bars.low[index], bars.close[index])
                if !(low <= min(open, close) && high >= max(open, close) && low > 0) {
                    note(Finding(kind: kind.rawValue, problem: "ohlc", from: bars.openTimes[index], to: bars.openTimes[index] + 60_000,
                                 detail: "open \(open) high \(high) low \(low) close \(close)"))
                }
                guard index > 0 else { continue }
                let step = bars.openTimes[index] - bars.openTimes[index - 1]
                if step == 0 {
                    note(Finding(kind: kind.rawValue, problem: "duplicate", from: bars.openTimes[index], to: bars.openTimes[index], detail: "two bars open at the same time"))
                } else if step < 0 {
                    note(Finding(kind: kind.rawValue, problem: "out_of_order", from: bars.openTimes[index - 1], to: bars.openTimes[index], detail: "bar times go backwards"))
                } else if step > 60_000 {
                    note(Finding(kind: kind.rawValue, problem: "gap", from: bars.openTimes[index - 1] + 60_000, to: bars.openTimes[index],
                                 detail: "\(step / 60_000 - 1) missing minutes"))
                }
            }
        }
        let funding = try catalog.funding(venue: venue, symbol: symbol, start: start, end: end)
        if funding.count > 0 { rowsChecked[DataKind.funding.rawValue] = funding.count }
        if funding.count > 1 {
            for index in 1..<funding.count {
                let hours = Double(funding.times[index] - funding.times[index - 1]) / 3_600_000
                // Settlements carry a few ms of jitter; intervals are 1, 2, 4 or 8 hours.
                if ![1.0, 2, 4, 8].contains(where: { abs(hours - $0) < 0.01 }) {
                    note(Finding(kind: DataKind.funding.rawValue, problem: "funding_interval", from: funding.times[index - 1], to: funding.times[index],
                                 detail: String(format: "%.3f hours between settlements", hours)))
                }
            }
        }
        return Report(symbol: symbol, start: start, end: end, rowsChecked: rowsChecked, findings: findings, counts: counts)
    }
}
