/// Params of `data/import`.
public struct DataImportParams: Codable, Sendable {
    /// Binance CSV or zip files (relative to `workingDirectory`).
    public var files: [String]
    /// The symbol, when the file names do not start with it.
    public var symbol: String?
    /// `last`, `mark`, `funding` or `trades`, when the file names do not say it.
    public var dataType: String?
    /// The catalog folder; default: `<state directory>/catalog`.
    public var output: String?
    public var workingDirectory: String?

    public init(files: [String], symbol: String? = nil, dataType: String? = nil, output: String? = nil, workingDirectory: String? = nil) {
        self.files = files
        self.symbol = symbol
        self.dataType = dataType
        self.output = output
        self.workingDirectory = workingDirectory
    }
}

/// Params of `data/list`.
public struct DataListParams: Codable, Sendable {
    /// The catalog folder; default: `<state directory>/catalog`.
    public var output: String?
    public var workingDirectory: String?

    public init(output: String? = nil, workingDirectory: String? = nil) {
        self.output = output
        self.workingDirectory = workingDirectory
    }
}
