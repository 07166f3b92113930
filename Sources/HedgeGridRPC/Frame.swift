import Foundation

/// Language Server Protocol base framing: `Content-Length: N\r\n\r\n` followed by N bytes of UTF-8 JSON.
public enum Frame {
    /// Frames a JSON body.
    public static func encode(body: Data) -> Data {
        var data = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
        data.append(body)
        return data
    }

    /// Frames a message.
    public static func encode(_ message: RPCMessage) -> Data {
        encode(body: encodeBody(message.json))
    }

    /// Frames any JSON value (a message or a batch).
    public static func encode(_ value: JSONValue) -> Data {
        encode(body: encodeBody(value))
    }

    /// The JSON text of a value, as UTF-8 bytes.
    public static func encodeBody(_ value: JSONValue) -> Data {
        JSONSerializer.data(value)
    }

    /// Decodes a frame's body: UTF-8 JSON, or a parse error saying what is wrong.
    public static func decodeBody(_ body: Data) -> Result<JSONValue, RPCError> {
        guard String(data: body, encoding: .utf8) != nil else {
            return .failure(.parseError("the body is not valid UTF-8"))
        }
        do {
            return .success(try JSONParser.parse(body))
        } catch {
            return .failure(.parseError("the body is not valid JSON (\(error))"))
        }
    }
}
