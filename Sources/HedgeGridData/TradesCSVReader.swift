import HedgeGridCore

/// Reads Binance USDⓈ-M aggTrades CSV (`agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker`)
/// or trades CSV (`id,price,qty,quote_qty,time,is_buyer_maker`), with or without the header, into a `TradeSeries`.
public enum TradesCSVReader {
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, source: String, into series: inout TradeSeries) throws(MarketDataError) {
        var scanner = CSVLineScanner(bytes: bytes)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(8)
        var first = true
        var previous = series.times.last ?? Int64.min
        while let line = scanner.nextLine() {
            scanner.fields(of: line, into: &fields)
            if first {
                first = false
                if try scanner.isHeader(fields, headerWord: "id", kind: "trade", source: source) { continue }
            }
            // aggTrades have 7 columns (time in the 6th), trades 6 (time in the 5th).
            let timeColumn: Int
            switch fields.count {
            case 7: timeColumn = 5
            case 6: timeColumn = 4
            default:
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "expected 7 aggTrades columns or 6 trades columns, found \(fields.count)")
            }
            // (`inf` parses as a number: a price must also be finite.)
            guard let price = scanner.number(fields[1]), price > 0, price.isFinite, let time = scanner.integer(fields[timeColumn]) else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "price must be a positive finite number and the time an integer")
            }
            guard time >= previous else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "trade time \(time) goes backwards")
            }
            previous = time
            series.append(time: time, price: price)
        }
    }
}
