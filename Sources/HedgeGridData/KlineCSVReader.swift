import HedgeGridCore

/// Reads Binance USDⓈ-M kline CSV (`open_time,open,high,low,close,volume,close_time,...`), with or
/// without the header row (older archives have none), into a `BarSeries`.
///
/// A header is recognised by a first field that is not an integer. Every row is checked: the
/// prices are finite numbers, low <= open, close <= high, and open times increase; 16-digit microsecond
/// timestamps are converted to milliseconds. An error names the file, the line and the problem.
public enum KlineCSVReader {
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, source: String, into series: inout BarSeries) throws(MarketDataError) {
        var scanner = CSVLineScanner(bytes: bytes)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(12)
        var first = true
        var previousOpen = series.openTimes.last ?? Int64.min
        while let line = scanner.nextLine() {
            scanner.fields(of: line, into: &fields)
            if first {
                first = false
                if try scanner.isHeader(fields, headerWord: "open_time", kind: "kline", source: source) { continue }
            }
            guard fields.count >= 6 else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "expected at least 6 columns (open_time,open,high,low,close,volume), found \(fields.count)")
            }
            guard var openTime = scanner.integer(fields[0]) else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "open_time '\(scanner.text(fields[0]))' is not an integer")
            }
            // Microseconds (16 digits, spot since 2025) become milliseconds.
            if openTime >= 1_000_000_000_000_000 { openTime /= 1000 }
            guard let open = scanner.number(fields[1]), let high = scanner.number(fields[2]), let low = scanner.number(fields[3]),
                let close = scanner.number(fields[4]), open.isFinite, high.isFinite, low.isFinite, close.isFinite
            else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "open, high, low and close must be finite numbers")
            }
            guard low <= min(open, close), high >= max(open, close), low > 0 else {
                throw MarketDataError(file: source, line: scanner.lineNumber, reason: "OHLC violation: open \(open) high \(high) low \(low) close \(close)")
            }
            guard openTime > previousOpen else {
                throw MarketDataError(
                    file: source, line: scanner.lineNumber,
                    reason: openTime == previousOpen ? "duplicate open_time \(openTime)" : "open_time \(openTime) goes backwards")
            }
            previousOpen = openTime
            series.append(openTime: openTime, open: open, high: high, low: low, close: close)
        }
        if first {
            throw MarketDataError(file: source, reason: "no kline rows")
        }
    }
}
