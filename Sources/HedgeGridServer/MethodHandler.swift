import HedgeGridRPC

/// What a method handler knows about the request it answers.
public struct RequestContext: Sendable {
    public let server: RPCServer
    public let session: ClientSession
    public let requestID: RPCID?
}

/// Answers one method: decodes its params, does the work, returns the result.
/// Throw `RPCError` for protocol errors; cancellation becomes -32800, anything else -32603.
public typealias MethodHandler = @Sendable (RequestContext, JSONValue?) async throws -> JSONValue

/// Answers a quick method at once on the connection's reading thread, without a task hop, with
/// its result already rendered as JSON text. Only for work that takes microseconds and never blocks.
public typealias ImmediateMethodHandler = @Sendable (RequestContext, JSONValue?) throws -> RenderedJSON

/// A registered method: run as a task, or answered immediately.
enum RegisteredMethod: Sendable {
    case task(MethodHandler)
    case immediate(ImmediateMethodHandler)
}

extension JSONValue? {
    /// Decodes params as `T`; absent params decode as an empty object.
    public func decodeParams<T: Decodable>(_ type: T.Type) throws -> T {
        switch self {
        case nil, .null?: return try JSONValue.object([:]).decode(T.self)
        case .array?: throw RPCError.invalidParams("params must be an object with named fields")
        case let value?: return try value.decode(T.self)
        }
    }
}
