/// A market-data file that cannot be used, with where and why.
public struct MarketDataError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// 1-based line number, when the problem is in one line.
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
