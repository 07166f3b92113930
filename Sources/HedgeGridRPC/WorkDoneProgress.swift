/// Params of a `$/progress` notification (LSP work-done progress); the token is the job id.
public struct ProgressParams: Codable, Sendable, Equatable {
    public var token: String
    public var value: WorkDoneProgress

    public init(token: String, value: WorkDoneProgress) {
        self.token = token
        self.value = value
    }
}

/// One step of work-done progress: `begin`, then any number of `report`, then `end`.
public struct WorkDoneProgress: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case begin, report, end
    }

    public var kind: Kind
    /// Only on `begin`.
    public var title: String?
    public var cancellable: Bool?
    public var message: String?
    /// 0...100.
    public var percentage: Int?

    public init(kind: Kind, title: String? = nil, cancellable: Bool? = nil, message: String? = nil, percentage: Int? = nil) {
        self.kind = kind
        self.title = title
        self.cancellable = cancellable
        self.message = message
        self.percentage = percentage
    }
}
