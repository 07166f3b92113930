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

/// Params of `data/verify`.
public struct DataVerifyParams: Codable, Sendable {
    public var symbol: String
    /// UTC ms, inclusive; default: everything.
    public var start: Int64?
    /// UTC ms, exclusive.
    public var end: Int64?
    public var output: String?
    public var workingDirectory: String?

    public init(symbol: String, start: Int64? = nil, end: Int64? = nil, output: String? = nil, workingDirectory: String? = nil) {
        self.symbol = symbol
        self.start = start
        self.end = end
        self.output = output
        self.workingDirectory = workingDirectory
    }
}

/// Params of `data/delete`.
public struct DataDeleteParams: Codable, Sendable {
    public var symbol: String
    /// `last`, `mark`, `funding` or `trades`; default: all of the symbol's data.
    public var dataType: String?
    public var output: String?
    public var workingDirectory: String?

    public init(symbol: String, dataType: String? = nil, output: String? = nil, workingDirectory: String? = nil) {
        self.symbol = symbol
        self.dataType = dataType
        self.output = output
        self.workingDirectory = workingDirectory
    }
}

/// Params of `data/download` (a job).
public struct DataDownloadParams: Codable, Sendable {
    public var symbol: String
    /// UTC ms, inclusive.
    public var start: Int64
    /// UTC ms, exclusive.
    public var end: Int64
    /// Any of `last`, `mark`, `funding`, `trades` (default: last and funding).
    public var dataTypes: [String]?
    /// `auto` (bulk archives, then REST for what they do not have yet; the default), `bulk` or `rest`.
    public var mode: String?
    /// Default: `HEDGEGRID_BULK_URL` of the daemon, else https://data.binance.vision.
    public var bulkUrl: String?
    /// Default: `HEDGEGRID_REST_URL` of the daemon, else https://fapi.binance.com.
    public var restUrl: String?
    public var output: String?
    public var workingDirectory: String?

    public init(
        symbol: String, start: Int64, end: Int64, dataTypes: [String]? = nil, mode: String? = nil, bulkUrl: String? = nil,
        restUrl: String? = nil, output: String? = nil, workingDirectory: String? = nil
    ) {
        self.restUrl = restUrl
        self.symbol = symbol
        self.start = start
        self.end = end
        self.dataTypes = dataTypes
        self.mode = mode
        self.bulkUrl = bulkUrl
        self.output = output
        self.workingDirectory = workingDirectory
    }
}
