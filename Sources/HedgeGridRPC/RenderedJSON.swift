import Foundation

/// JSON text rendered ahead of time and placed in a message as is: how the daemon answers a
/// result it is asked for often (`daemon/status`) without building and sorting a `JSONValue`
/// tree per request.
public struct RenderedJSON: Sendable, Equatable {
    /// The UTF-8 JSON text of one value.
    public var bytes: [UInt8]

    /// Wraps text that is already one valid JSON value.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Renders a value.
    public init(_ value: JSONValue) {
        bytes = []
        JSONSerializer.write(value, into: &bytes)
    }

    /// The value back as a `JSONValue` (for a batch reply, where answers are assembled as values).
    public var value: JSONValue {
        (try? JSONParser.parse(Data(bytes))) ?? .null
    }
}

extension Frame {
    /// Frames a success response whose result is already rendered: the same bytes as
    /// `encode(RPCMessage.response(id:result:))` for that result.
    public static func encodeResponse(id: RPCID?, result: RenderedJSON) -> Data {
        var body: [UInt8] = []
        body.reserveCapacity(result.bytes.count + 48)
        body.append(contentsOf: #"{"id":"#.utf8)
        switch id {
        case .int(let number)?: JSONSerializer.write(.int(number), into: &body)
        case .string(let text)?: JSONSerializer.writeString(text, into: &body)
        case nil: body.append(contentsOf: "null".utf8)
        }
        body.append(contentsOf: #","jsonrpc":"2.0","result":"#.utf8)
        body.append(contentsOf: result.bytes)
        body.append(UInt8(ascii: "}"))
        var frame = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        frame.append(contentsOf: body)
        return Data(frame)
    }
}
