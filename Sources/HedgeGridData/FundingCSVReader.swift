import HedgeGridCore

/// Reads Binance's funding-rate archive CSV (`calc_time,funding_interval_hours,last_funding_rate`,
/// with or without its header) into a `FundingSeries`. Times keep the exchange's ms jitter.
public enum FundingCSVReader {
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, source: String, into series: inout FundingSeries) throws(MarketDataError) {
        var scanner = CSVLineScanner(bytes: bytes)
        var fields: [Range<Int>] = []
        var first = true
        var previous = series.times.last ?? Int64.min
        while let line = scanner.nextLine() {
            scanner.fields(of: line, into: &fields)
            if first {
                first = false
                if try scanner.isHeader(fields, headerWord: "calc_time", kind: "funding", source: source) { continue }
            }
            guard fields.count >= 3 else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "expected 3 columns (calc_time,funding_interval_hours,last_funding_rate), found \(fields.count)")
            }
            guard let time = scanner.integer(fields[0]), let rate = scanner.number(fields[2]) else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "calc_time must be an integer and last_funding_rate a number")
            }
            guard abs(rate) < 0.1 else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "funding rate \(rate) is not plausible (|rate| >= 10%)")
            }
            guard time > previous else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "calc_time \(time) is not after the previous row")
            }
            previous = time
            series.append(time: time, rate: rate)
        }
    }
}
