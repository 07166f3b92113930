import Foundation

/// What a catalog series holds.
public enum DataKind: String, Sendable, CaseIterable, Codable {
    /// Trade-price 1-minute klines.
    case last
    /// Mark-price 1-minute klines.
    case mark
    case funding
    /// aggTrades (or trades): time and price.
    case trades

    /// The kind a Binance archive file name says (`…-1m-…` klines, `…-fundingRate-…`, `…-aggTrades-…`,
    /// `…-trades-…`). Mark-price klines are named like trade-price ones, so they must be named.
    public static func guess(fromFileName name: String) -> DataKind? {
        let lowered = (name as NSString).lastPathComponent.lowercased()
        if lowered.contains("fundingrate") { return .funding }
        if lowered.contains("aggtrades") || lowered.contains("-trades-") { return .trades }
        if lowered.contains("markprice") { return .mark }
        if lowered.contains("-1m-") { return .last }
        return nil
    }

    /// The symbol a Binance archive file name starts with (`NEARUSDT-1m-2025-09.zip` -> `NEARUSDT`).
    public static func symbol(fromFileName name: String) -> String? {
        let base = (name as NSString).lastPathComponent
        guard let dash = base.firstIndex(of: "-") else { return nil }
        let symbol = String(base[..<dash])
        guard !symbol.isEmpty, symbol.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
        return symbol
    }
}
