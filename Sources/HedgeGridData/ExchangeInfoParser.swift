import Foundation
import HedgeGridCore

/// Reads the instrument filters of each symbol from Binance's `/fapi/v1/exchangeInfo` answer:
/// PRICE_FILTER tickSize, LOT_SIZE stepSize and minQty, MIN_NOTIONAL notional, and
/// maintMarginPercent.
public enum ExchangeInfoParser {
    /// One symbol's filters.
    public struct Instrument: Sendable, Equatable, Codable {
        public var symbol: String
        public var filters: InstrumentFilters
        /// As a fraction (2.5% -> 0.025), when given.
        public var maintenanceMarginRate: Double?
    }

    public static func parse(_ data: Data, source: String) throws(MarketDataError) -> [Instrument] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let symbols = root["symbols"] as? [[String: Any]] else {
            throw MarketDataError(file: source, reason: "not an exchangeInfo answer (no 'symbols' list)")
        }
        var instruments: [Instrument] = []
        for entry in symbols {
            guard let symbol = entry["symbol"] as? String, let filters = entry["filters"] as? [[String: Any]] else { continue }
            func value(_ type: String, _ key: String) -> Double? {
                guard let filter = filters.first(where: { $0["filterType"] as? String == type }) else { return nil }
                if let text = filter[key] as? String { return Double(text) }
                return (filter[key] as? NSNumber)?.doubleValue
            }
            guard let tick = value("PRICE_FILTER", "tickSize"), tick > 0, let step = value("LOT_SIZE", "stepSize"), step > 0 else { continue }
            let minQty = value("LOT_SIZE", "minQty") ?? 0
            let minNotional = value("MIN_NOTIONAL", "notional") ?? value("MIN_NOTIONAL", "minNotional") ?? 0
            let maintenance = (entry["maintMarginPercent"] as? String).flatMap(Double.init).map { $0 / 100 }
            instruments.append(Instrument(
                symbol: symbol, filters: InstrumentFilters(tickSize: tick, stepSize: step, minQty: minQty, minNotional: minNotional),
                maintenanceMarginRate: maintenance))
        }
        guard !instruments.isEmpty else { throw MarketDataError(file: source, reason: "no symbol with price and lot filters") }
        return instruments
    }
}
