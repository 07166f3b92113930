/// A JSON-RPC request id: a number or a string.
public enum RPCID: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var json: JSONValue {
        switch self {
        case .int(let value): return .int(value)
        case .string(let value): return .string(value)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}

/// One JSON-RPC 2.0 message: a request, a notification or a response.
public enum RPCMessage: Sendable, Hashable {
    case request(id: RPCID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RPCID?, result: Result<JSONValue, RPCError>)

    /// Interprets a decoded JSON value as a message. On failure, returns the request id
    /// when one could be read (so the error response can carry it) and the error.
    public static func parse(_ value: JSONValue) -> Result<RPCMessage, MessageError> {
        guard case .object(let members) = value else {
            return .failure(MessageError(id: nil, error: .invalidRequest("a message must be a JSON object")))
        }
        var id: RPCID?
        if let rawID = members["id"] {
            switch rawID {
            case .int(let value): id = .int(value)
            case .string(let value): id = .string(value)
            case .double(let value) where value.rounded() == value: id = .int(Int64(value))
            case .null: id = nil
            default:
                return .failure(MessageError(id: nil, error: .invalidRequest("'id' must be a string or an integer")))
            }
        }
        guard members["jsonrpc"] == .string("2.0") else {
            return .failure(MessageError(id: id, error: .invalidRequest("'jsonrpc' must be \"2.0\"")))
        }
        if let rawMethod = members["method"] {
            guard case .string(let method) = rawMethod else {
                return .failure(MessageError(id: id, error: .invalidRequest("'method' must be a string")))
            }
            let params = members["params"]
            switch params {
            case nil, .array?, .object?: break
            default:
                return .failure(MessageError(id: id, error: .invalidRequest("'params' must be an object or an array")))
            }
            if members["id"] == nil {
                return .success(.notification(method: method, params: params))
            }
            guard let id else {
                return .failure(MessageError(id: nil, error: .invalidRequest("'id' must not be null in a request")))
            }
            return .success(.request(id: id, method: method, params: params))
        }
        if let result = members["result"] {
            return .success(.response(id: id, result: .success(result)))
        }
        if let rawError = members["error"] {
            guard let error = try? rawError.decode(RPCError.self) else {
                return .failure(MessageError(id: id, error: .invalidRequest("'error' must have a code and a message")))
            }
            return .success(.response(id: id, result: .failure(error)))
        }
        return .failure(MessageError(id: id, error: .invalidRequest("no 'method', 'result' or 'error' member")))
    }

    /// The message as a JSON object.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            members["id"] = id.json
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .notification(let method, let params):
            members["method"] = .string(method)
            if let params { members["params"] = params }
        case .response(let id, let result):
            members["id"] = id?.json ?? .null
            switch result {
            case .success(let value): members["result"] = value
            case .failure(let error): members["error"] = (try? JSONValue(encoding: error)) ?? .null
            }
        }
        return .object(members)
    }

    /// The method name of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): return method
        case .response: return nil
        }
    }
}

/// Why a JSON value is not a valid message, with the id when it could be read.
public struct MessageError: Error, Sendable, Hashable {
    public var id: RPCID?
    public var error: RPCError
}
