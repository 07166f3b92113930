import Foundation
import HedgeGridCore

/// The backtest YAML (`configs/backtest/*.yaml`): period, data, venue, execution, metrics, output.
public struct BacktestConfig: Sendable {
    /// Which price the bars are: mark price (as the reference backtests) or last trade price.
    public enum BarSource: String, Sendable {
        case mark, last
    }

    public var name: String
    public var start: Int64
    public var end: Int64
    public var barSource: BarSource
    public var barFiles: [String]
    public var fundingFiles: [String]
    /// aggTrades or trades files: fills follow them inside their time span.
    public var tradeFiles: [String]
    /// A market catalog to read bars, funding (and trades with `data.use_trades`) from, instead of files.
    public var catalogPath: String?
    public var catalogTrades: Bool
    public var symbol: String
    public var exchange: ExchangeSettings
    public var riskFreeRate: Double
    public var periodsPerYear: Double
    public var reportDirectory: String
    /// The instrument's filters (and maintenance margin, unless given) come from the catalog's
    /// exchangeInfo: the config has `data.catalog_path` and no `instrument.tick_size`.
    public var instrumentFromCatalog: Bool
    public var maintenanceFromConfig: Bool
    /// Bars before `start` fed to the indicators; nil means as many as the strategy needs.
    public var warmUpBars: Int?
    public var warnings: [String]

    /// Reads and validates every key; relative file paths are resolved against `baseDirectory`.
    public init(reader: ConfigReader, baseDirectory: String) throws(ConfigError) {
        name = try reader.string("backtest.name", default: "backtest")
        reader.accept("backtest.description")
        start = try Self.time(reader, "time_range.start_time")
        end = try Self.time(reader, "time_range.end_time")
        guard end > start else {
            throw reader.error("time_range.end_time", "must be after time_range.start_time")
        }
        barSource = BarSource(rawValue: try reader.string("data.bar_source", default: "mark", oneOf: ["mark", "last"]))!
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
        }
        barFiles = try reader.strings("data.bars").map(resolve)
        catalogPath = reader.has("data.catalog_path") ? resolve(try reader.string("data.catalog_path")) : nil
        guard !barFiles.isEmpty || catalogPath != nil else {
            throw reader.error("data", "missing: data.catalog_path (a catalog filled by hgctl data import/download) or data.bars (kline CSV or zip files)")
        }
        guard barFiles.isEmpty || catalogPath == nil else {
            throw reader.error("data.bars", "give data.bars or data.catalog_path, not both")
        }
        fundingFiles = try reader.strings("data.funding").map(resolve)
        tradeFiles = try reader.strings("data.trades").map(resolve)
        catalogTrades = try reader.bool("data.use_trades", default: false)
        warmUpBars = reader.has("data.warmup_bars") ? try reader.int("data.warmup_bars", in: 0...10_000_000) : nil

        symbol = catalogPath == nil ? try reader.string("instrument.symbol", default: "UNKNOWN") : try reader.string("instrument.symbol")
        instrumentFromCatalog = catalogPath != nil && !reader.has("instrument.tick_size")
        let filters = instrumentFromCatalog
            ? InstrumentFilters(tickSize: 1, stepSize: 1, minQty: 0, minNotional: 0)  // replaced from the catalog at run time
            : InstrumentFilters(
                tickSize: try reader.double("instrument.tick_size", in: 1e-12...1e9),
                stepSize: try reader.double("instrument.step_size", in: 1e-12...1e9),
                minQty: try reader.double("instrument.min_qty", default: 0, in: 0...1e12),
                minNotional: try reader.double("instrument.min_notional", default: 0, in: 0...1e12))
        maintenanceFromConfig = reader.has("instrument.maintenance_margin_rate")
        let maintenance = try reader.double("instrument.maintenance_margin_rate", default: 0.004, in: 0...1)

        let venues = try reader.list("venues")
        guard venues.count == 1, let venue = venues.first else {
            throw reader.error("venues", venues.isEmpty ? "missing: one venue with starting_balance and leverage" : "exactly one venue is supported, found \(venues.count)")
        }
        let balance = try venue.double("starting_balance", in: 1e-6...1e15)
        let leverage = try venue.double("leverage", default: 1, in: 1...125)
        _ = try venue.string("name", default: "BINANCE")
        _ = try venue.string("currency", default: "USDT")

        let maker = try reader.double("execution.fees.maker_bps", default: 2, in: -100...1_000)
        let taker = try reader.double("execution.fees.taker_bps", default: 5, in: -100...1_000)
        let tradeThrough = try reader.double("execution.fill_model.trade_through_bps", default: 0, in: 0...1_000)
        exchange = ExchangeSettings(
            startingBalance: balance, leverage: leverage, makerFee: maker / 1e4, takerFee: taker / 1e4,
            maintenanceMarginRate: maintenance, filters: filters, tradeThroughBps: tradeThrough)

        riskFreeRate = try reader.double("metrics.risk_free_rate", default: 0, in: -1...1)
        periodsPerYear = try reader.double("metrics.periods_per_year", default: 365, in: 1...100_000)
        reportDirectory = resolve(try reader.string("output.report_dir", default: "reports"))
        warnings = venue.warnings + reader.warnings
    }

    /// A UTC time: `2025-09-01`, `2025-09-01T00:00:00Z` (zone optional, read as UTC) or epoch ms.
    static func time(_ reader: ConfigReader, _ key: String) throws(ConfigError) -> Int64 {
        let text = try reader.string(key)
        if let milliseconds = Int64(text), text.count >= 12 { return milliseconds }
        var candidate = text.replacingOccurrences(of: " ", with: "T")
        if candidate.count == 10 { candidate += "T00:00:00" }
        if !candidate.hasSuffix("Z") && !candidate.contains("+") { candidate += "Z" }
        guard let date = try? Date(candidate, strategy: .iso8601) else {
            throw reader.error(key, "must be a UTC date or time like 2025-09-01 or 2025-09-01T00:00:00Z, got '\(text)'")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
