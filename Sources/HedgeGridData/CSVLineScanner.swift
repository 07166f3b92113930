/// Splits CSV bytes into lines and comma-separated fields, and parses numbers from them without
/// creating strings: the parsers run at millions of rows per second.
struct CSVLineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    private(set) var lineNumber = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A UTF-8 byte order mark is skipped.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// The next non-empty line as a range of byte offsets, or nil at the end.
    mutating func nextLine() -> Range<Int>? {
        while position < bytes.count {
            let start = position
            while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            var end = position
            if position < bytes.count { position += 1 }
            lineNumber += 1
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            if end > start { return start..<end }
        }
        return nil
    }

    /// The fields of a line (offset ranges), into a reused buffer.
    func fields(of line: Range<Int>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        var index = line.lowerBound
        while index < line.upperBound {
            if bytes[index] == UInt8(ascii: ",") {
                fields.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        fields.append(start..<line.upperBound)
    }

    /// True when the first line is a header (its first field is not an integer); throws when it
    /// is neither a row nor a header naming `headerWord` in its first field.
    func isHeader(_ fields: [Range<Int>], headerWord: String, kind: String, source: String) throws(MarketDataError) -> Bool {
        guard integer(fields[0]) == nil else { return false }
        guard text(fields[0]).lowercased().contains(headerWord) else {
            throw MarketDataError(file: source, line: lineNumber, reason: "the first line is neither a \(kind) row nor the \(kind) header")
        }
        return true
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A non-negative or negative decimal integer, or nil.
    func integer(_ range: Range<Int>) -> Int64? {
        var index = range.lowerBound
        var negative = false
        if index < range.upperBound && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < range.upperBound, range.upperBound - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A decimal number like `-0.00012359`, `5.685` or `1e-5`. Up to 15 significant digits are
    /// parsed exactly (an integer over a power of ten: one correctly rounded division); anything
    /// else falls back to the standard library.
    func number(_ range: Range<Int>) -> Double? {
        var index = range.lowerBound
        guard index < range.upperBound else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if byte &- UInt8(ascii: "0") < 10 {
                seenDigit = true
                // 15 significant digits stay below 2^53, so the integer is exact as a Double.
                guard digits < 15 else { return Double(text(range)) }
                mantissa = mantissa * 10 + Int64(byte &- UInt8(ascii: "0"))
                if mantissa > 0 { digits += 1 }
                if seenPoint { fractionDigits += 1 }
            } else {
                // Exponents and anything unusual: the slow, general path.
                return Double(text(range))
            }
            index += 1
        }
        guard seenDigit, fractionDigits < Self.powersOfTen.count else { return seenDigit ? Double(text(range)) : nil }
        let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
        return negative ? -value : value
    }
}
