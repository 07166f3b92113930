/// A JSON-RPC 2.0 error object, and the codes HedgeGrid uses.
public struct RPCError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(message) (code \(code))" }

    // Standard JSON-RPC 2.0 codes.
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    // Language Server Protocol codes.
    public static let serverNotInitializedCode = -32002
    public static let requestCancelledCode = -32800
    // HedgeGrid codes (-32000 to -32099 is the implementation-defined server range).
    /// The frame exceeded the size limit.
    public static let frameTooLargeCode = -32001
    /// The named job does not exist.
    public static let jobNotFoundCode = -32010
    /// The daemon is shutting down and takes no new work.
    public static let shuttingDownCode = -32011
    /// A backtest could not run (data missing or bad, report not writable).
    public static let backtestFailedCode = -32020
    /// A market-data file or the catalog could not be read or written.
    public static let dataFailedCode = -32030

    /// No study of that name (in that database).
    public static let studyNotFoundCode = -32040
    /// The study is already running in a job.
    public static let studyBusyCode = -32041
    /// A study could not run: bad config, data or database (the message says which).
    public static let studyFailedCode = -32042
    /// The study has no feasible trial (so no best parameters).
    public static let noFeasibleTrialCode = -32043

    public static func parseError(_ message: String) -> RPCError {
        RPCError(code: parseErrorCode, message: "parse error: \(message)")
    }
    public static func invalidRequest(_ message: String) -> RPCError {
        RPCError(code: invalidRequestCode, message: "invalid request: \(message)")
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: methodNotFoundCode, message: "method not found: \(method)")
    }
    public static func invalidParams(_ message: String) -> RPCError {
        RPCError(code: invalidParamsCode, message: "invalid params: \(message)")
    }
    public static func internalError(_ message: String) -> RPCError {
        RPCError(code: internalErrorCode, message: "internal error: \(message)")
    }
    public static let requestCancelled = RPCError(code: requestCancelledCode, message: "request cancelled")
    public static let serverNotInitialized = RPCError(
        code: serverNotInitializedCode, message: "server not initialized: send 'initialize' first")
    public static func frameTooLarge(size: Int, limit: Int) -> RPCError {
        RPCError(
            code: frameTooLargeCode,
            message: "frame too large: Content-Length \(size) exceeds the limit of \(limit) bytes",
            data: ["size": .int(Int64(size)), "limit": .int(Int64(limit))])
    }
    public static func jobNotFound(_ id: String) -> RPCError {
        RPCError(code: jobNotFoundCode, message: "no job with id '\(id)'")
    }
    public static let shuttingDown = RPCError(code: shuttingDownCode, message: "the daemon is shutting down")
}
