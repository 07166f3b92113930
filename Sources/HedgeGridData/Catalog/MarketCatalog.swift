import Foundation
import GRDB
import HedgeGridCore

/// The persistent market-data catalog: one binary chunk file per (venue, symbol, kind, UTC month)
/// and a SQLite index (`catalog.sqlite`, WAL) of the chunks, their row counts and time spans.
///
/// Writes are crash-safe and idempotent: a chunk is merged with what is there (rows keyed by
/// time, so overlapping imports never duplicate), written to a temporary file, synced and
/// renamed; only then does one transaction point the index at it. Readers see only indexed chunks.
/// Bars and funding are keyed by time; trades (which share milliseconds) replace the time span
/// they cover.
public final class MarketCatalog: Sendable {
    /// One series' coverage, for `data/list`.
    public struct Coverage: Sendable, Codable, Equatable {
        public var venue: String
        public var symbol: String
        public var kind: String
        public var months: [String]
        public var rows: Int
        public var first: Int64
        public var last: Int64
        /// For 1-minute bars: minutes missing between the first and the last bar.
        public var missingBars: Int?
    }

    public let root: String
    private let database: DatabaseQueue
    private let cache: SeriesCache?
    /// A random id made when the catalog was created: a catalog deleted and made again never
    /// serves the old one's cached reads.
    private let identity: String

    /// Opens (creating if needed) the catalog in `root`; reads go through `cache` (nil: none).
    public init(root: String, cache: SeriesCache? = .shared) throws {
        self.root = (root as NSString).standardizingPath
        self.cache = cache
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: root + "/catalog.sqlite", configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode=WAL") }
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE chunks (
                        venue TEXT NOT NULL, symbol TEXT NOT NULL, kind TEXT NOT NULL, month TEXT NOT NULL,
                        first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, rows INTEGER NOT NULL, file TEXT NOT NULL,
                        PRIMARY KEY (venue, symbol, kind, month));
                    """)
            }
            migrator.registerMigration("v2: chunk versions") { db in
                // Bumped on every write of a chunk, so cached reads of it are never stale.
                try db.execute(sql: "ALTER TABLE chunks ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
            }
            migrator.registerMigration("v3: identity") { db in
                try db.execute(sql: "CREATE TABLE identity (id TEXT NOT NULL)")
                try db.execute(sql: "INSERT INTO identity (id) VALUES (?)", arguments: [UUID().uuidString])
            }
            migrator.registerMigration("v4: instruments") { db in
                try db.execute(sql: """
                    CREATE TABLE instruments (
                        venue TEXT NOT NULL, symbol TEXT NOT NULL, tick_size REAL NOT NULL, step_size REAL NOT NULL,
                        min_qty REAL NOT NULL, min_notional REAL NOT NULL, maintenance_margin REAL, source TEXT NOT NULL,
                        PRIMARY KEY (venue, symbol));
                    """)
            }
            try migrator.migrate(database)
            identity = try database.read { db in try String.fetchOne(db, sql: "SELECT id FROM identity") ?? "" }
        } catch let error as MarketDataError {
            throw error
        } catch {
            throw MarketDataError(file: root, reason: "cannot open the catalog: \(error)")
        }
    }

    func chunkPath(venue: String, symbol: String, kind: DataKind, month: UTCMonth) -> String {
        "\(venue)/\(symbol)/\(kind.rawValue)/\(month).bin"
    }

    /// Merges rows into the catalog, month by month. Returns how many rows were new.
    @discardableResult
    public func store(venue: String = "BINANCE", symbol: String, kind: DataKind, times: [Int64], columns: [[Double]]) throws -> Int {
        var added = 0
        var start = 0
        while start < times.count {
            let month = UTCMonth(containing: times[start])
            var end = start
            while end < times.count && times[end] < month.end { end += 1 }
            added += try storeMonth(
                venue: venue, symbol: symbol, kind: kind, month: month, times: Array(times[start..<end]),
                columns: columns.map { Array($0[start..<end]) })
            start = end
        }
        return added
    }

    private func storeMonth(venue: String, symbol: String, kind: DataKind, month: UTCMonth, times: [Int64], columns: [[Double]]) throws -> Int {
        let relative = chunkPath(venue: venue, symbol: symbol, kind: kind, month: month)
        let existingFile = try database.read { db in
            try String.fetchOne(db, sql: "SELECT file FROM chunks WHERE venue = ? AND symbol = ? AND kind = ? AND month = ?",
                                arguments: [venue, symbol, kind.rawValue, month.description])
        }
        var mergedTimes = times
        var mergedColumns = columns
        var added = times.count
        if let existingFile, kind == .trades {
            // Trades can share a millisecond, so they are not keyed by time: the new rows replace
            // whatever the chunk held over their time span, the rest is kept.
            let existing = try ChunkFile.read(root + "/" + existingFile, kind: kind)
            let first = times.min()!
            let last = times.max()!
            var combined: [(Int64, Double)] = zip(existing.times, existing.columns[0]).filter { $0.0 < first || $0.0 > last }
            combined += zip(times, columns[0])
            // Sorting by time only is stable here: the new rows keep their own order.
            combined = combined.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
            mergedTimes = combined.map(\.0)
            mergedColumns = [combined.map(\.1)]
            added = max(0, combined.count - existing.times.count)
        } else if let existingFile {
            let existing = try ChunkFile.read(root + "/" + existingFile, kind: kind)
            // Union keyed by time; new rows replace old ones at the same time.
            var rows: [Int64: Int] = [:]
            for (index, time) in existing.times.enumerated() { rows[time] = index }
            var combinedTimes = existing.times
            var combinedColumns = existing.columns
            added = 0
            for (index, time) in times.enumerated() {
                if let old = rows[time] {
                    for column in 0..<columns.count { combinedColumns[column][old] = columns[column][index] }
                } else {
                    combinedTimes.append(time)
                    for column in 0..<columns.count { combinedColumns[column].append(columns[column][index]) }
                    added += 1
                }
            }
            let order = combinedTimes.indices.sorted { combinedTimes[$0] < combinedTimes[$1] }
            mergedTimes = order.map { combinedTimes[$0] }
            mergedColumns = combinedColumns.map { column in order.map { column[$0] } }
        } else if !zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) {
            let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
            mergedTimes = order.map { times[$0] }
            mergedColumns = columns.map { column in order.map { column[$0] } }
        }
        try ChunkFile.write(kind: kind, times: mergedTimes, columns: mergedColumns, to: root + "/" + relative)
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO chunks (venue, symbol, kind, month, first_ms, last_ms, rows, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (venue, symbol, kind, month) DO UPDATE SET
                        first_ms = excluded.first_ms, last_ms = excluded.last_ms, rows = excluded.rows, file = excluded.file,
                        version = chunks.version + 1
                    """,
                arguments: [venue, symbol, kind.rawValue, month.description, mergedTimes.first!, mergedTimes.last!, mergedTimes.count, relative])
        }
        return added
    }

    /// Imports Binance CSV or zip files; the symbol and kind come from the file names unless given.
    /// Every file is parsed and checked before anything is stored.
    @discardableResult
    public func importFiles(_ paths: [String], symbol: String? = nil, kind: DataKind? = nil, venue: String = "BINANCE") throws -> Int {
        var parsed: [(symbol: String, kind: DataKind, times: [Int64], columns: [[Double]])] = []
        var instruments: [(source: String, list: [ExchangeInfoParser.Instrument])] = []
        for path in paths {
            // An exchangeInfo answer saved as JSON: its instrument filters.
            if path.lowercased().hasSuffix(".json") && (path as NSString).lastPathComponent.lowercased().contains("exchangeinfo") {
                guard let data = FileManager.default.contents(atPath: path) else { throw MarketDataError(file: path, reason: "no such file") }
                instruments.append((path, try ExchangeInfoParser.parse(data, source: path)))
                continue
            }
            guard let fileKind = kind ?? DataKind.guess(fromFileName: path) else {
                throw MarketDataError(file: path, reason: "cannot tell the data type from the file name; give it (last, mark, funding or trades)")
            }
            guard let fileSymbol = symbol ?? DataKind.symbol(fromFileName: path) else {
                throw MarketDataError(file: path, reason: "cannot tell the symbol from the file name; give it")
            }
            switch fileKind {
            case .last, .mark:
                let bars = try MarketDataFile.bars(from: [path])
                parsed.append((fileSymbol, fileKind, bars.openTimes, [bars.open, bars.high, bars.low, bars.close]))
            case .funding:
                let funding = try MarketDataFile.funding(from: [path])
                parsed.append((fileSymbol, fileKind, funding.times, [funding.rates]))
            case .trades:
                let trades = try MarketDataFile.trades(from: [path])
                parsed.append((fileSymbol, fileKind, trades.times, [trades.prices]))
            }
        }
        var added = 0
        for item in instruments { try storeInstruments(item.list, venue: venue, source: item.source) }
        for item in parsed {
            added += try store(venue: venue, symbol: item.symbol, kind: item.kind, times: item.times, columns: item.columns)
        }
        return added
    }

    /// The rows of one series with times in [start, end).
    public func rows(venue: String = "BINANCE", symbol: String, kind: DataKind, start: Int64, end: Int64) throws -> (times: [Int64], columns: [[Double]]) {
        let chunks = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT file, rows, version FROM chunks WHERE venue = ? AND symbol = ? AND kind = ? AND last_ms >= ? AND first_ms < ? ORDER BY month
                """, arguments: [venue, symbol, kind.rawValue, start, end])
        }
        let files: [String] = chunks.map { $0["file"] }
        // The chunks' index rows are part of the key: any import that changes them misses the cache.
        let fingerprint = chunks.map { row -> String in
            let file: String = row["file"]
            let rows: Int = row["rows"]
            let version: Int = row["version"]
            return "\(file):\(rows):\(version)"
        }.joined(separator: ",")
        let key = "\(root)|\(identity)|\(venue)|\(symbol)|\(kind.rawValue)|\(start)|\(end)|\(fingerprint)"
        if let cached = cache?.value(for: key) { return cached }
        var times: [Int64] = []
        var columns = Array(repeating: [Double](), count: ChunkFile.columnCount(kind))
        for file in files {
            let chunk = try ChunkFile.read(root + "/" + file, kind: kind)
            let lower = chunk.times.firstIndex(atOrAfter: start)
            let upper = chunk.times.firstIndex(atOrAfter: end)
            times.append(contentsOf: chunk.times[lower..<upper])
            for column in 0..<columns.count { columns[column].append(contentsOf: chunk.columns[column][lower..<upper]) }
        }
        cache?.store((times, columns), for: key)
        return (times, columns)
    }

    /// 1-minute bars of `kind` (last or mark) with open times in [start, end).
    public func bars(venue: String = "BINANCE", symbol: String, kind: DataKind = .last, start: Int64, end: Int64) throws -> BarSeries {
        let rows = try rows(venue: venue, symbol: symbol, kind: kind, start: start, end: end)
        return BarSeries(openTimes: rows.times, open: rows.columns[0], high: rows.columns[1], low: rows.columns[2], close: rows.columns[3])
    }

    public func funding(venue: String = "BINANCE", symbol: String, start: Int64, end: Int64) throws -> FundingSeries {
        let rows = try rows(venue: venue, symbol: symbol, kind: .funding, start: start, end: end)
        return FundingSeries(times: rows.times, rates: rows.columns[0])
    }

    public func trades(venue: String = "BINANCE", symbol: String, start: Int64, end: Int64) throws -> TradeSeries {
        let rows = try rows(venue: venue, symbol: symbol, kind: .trades, start: start, end: end)
        return TradeSeries(times: rows.times, prices: rows.columns[0])
    }

    /// Stores instrument filters (from exchangeInfo), replacing older ones.
    public func storeInstruments(_ instruments: [ExchangeInfoParser.Instrument], venue: String = "BINANCE", source: String) throws {
        try database.write { db in
            for instrument in instruments {
                try db.execute(
                    sql: """
                        INSERT INTO instruments (venue, symbol, tick_size, step_size, min_qty, min_notional, maintenance_margin, source)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (venue, symbol) DO UPDATE SET tick_size = excluded.tick_size, step_size = excluded.step_size,
                            min_qty = excluded.min_qty, min_notional = excluded.min_notional,
                            maintenance_margin = excluded.maintenance_margin, source = excluded.source
                        """,
                    arguments: [venue, instrument.symbol, instrument.filters.tickSize, instrument.filters.stepSize, instrument.filters.minQty,
                                instrument.filters.minNotional, instrument.maintenanceMarginRate, source])
            }
        }
    }

    /// A symbol's stored filters, or nil.
    public func instrument(venue: String = "BINANCE", symbol: String) throws -> ExchangeInfoParser.Instrument? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM instruments WHERE venue = ? AND symbol = ?", arguments: [venue, symbol]) else {
                return nil
            }
            return ExchangeInfoParser.Instrument(
                symbol: symbol,
                filters: InstrumentFilters(tickSize: row["tick_size"], stepSize: row["step_size"], minQty: row["min_qty"], minNotional: row["min_notional"]),
                maintenanceMarginRate: row["maintenance_margin"])
        }
    }

    /// Removes a symbol's data (one kind, or all); returns the rows removed. The index forgets the
    /// chunks first, in one transaction, so no reader sees a chunk that is being deleted.
    @discardableResult
    public func delete(venue: String = "BINANCE", symbol: String, kind: DataKind? = nil) throws -> Int {
        let removed = try database.write { db -> [(file: String, rows: Int)] in
            let filter = kind == nil ? "" : " AND kind = ?"
            var arguments: StatementArguments = [venue, symbol]
            if let kind { _ = arguments.append(contentsOf: [kind.rawValue]) }
            let rows = try Row.fetchAll(db, sql: "SELECT file, rows FROM chunks WHERE venue = ? AND symbol = ?" + filter, arguments: arguments)
            try db.execute(sql: "DELETE FROM chunks WHERE venue = ? AND symbol = ?" + filter, arguments: arguments)
            return rows.map { ($0["file"], $0["rows"]) }
        }
        for chunk in removed { try? FileManager.default.removeItem(atPath: root + "/" + chunk.file) }
        return removed.reduce(0) { $0 + $1.rows }
    }

    /// What the catalog holds, per series.
    public func coverage() throws -> [Coverage] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT venue, symbol, kind, group_concat(month, ',') AS months, sum(rows) AS rows, min(first_ms) AS first, max(last_ms) AS last
                FROM (SELECT * FROM chunks ORDER BY month) GROUP BY venue, symbol, kind ORDER BY venue, symbol, kind
                """)
            return rows.map { row in
                let kind: String = row["kind"]
                let count: Int = row["rows"]
                let first: Int64 = row["first"]
                let last: Int64 = row["last"]
                let isBars = kind == DataKind.last.rawValue || kind == DataKind.mark.rawValue
                return Coverage(
                    venue: row["venue"], symbol: row["symbol"], kind: kind, months: (row["months"] as String).split(separator: ",").map(String.init),
                    rows: count, first: first, last: last, missingBars: isBars ? Int((last - first) / 60_000) + 1 - count : nil)
            }
        }
    }
}
