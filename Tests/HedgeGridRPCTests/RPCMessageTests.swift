import Foundation
import HedgeGridRPC
import Testing

/// Classifying JSON values as JSON-RPC 2.0 messages.
@Suite struct RPCMessageTests {
    @Test func requestNotificationAndResponses() throws {
        #expect(try RPCMessage.parse(["jsonrpc": "2.0", "id": 1, "method": "m", "params": ["a": 1]]).get()
            == .request(id: .int(1), method: "m", params: ["a": 1]))
        #expect(try RPCMessage.parse(["jsonrpc": "2.0", "id": "x", "method": "m"]).get()
            == .request(id: .string("x"), method: "m", params: nil))
        #expect(try RPCMessage.parse(["jsonrpc": "2.0", "method": "n", "params": [1, 2]]).get()
            == .notification(method: "n", params: [1, 2]))
        #expect(try RPCMessage.parse(["jsonrpc": "2.0", "id": 3, "result": nil]).get()
            == .response(id: .int(3), result: .success(.null)))
        #expect(try RPCMessage.parse(["jsonrpc": "2.0", "id": 4, "error": ["code": -32601, "message": "nope"]]).get()
            == .response(id: .int(4), result: .failure(RPCError(code: -32601, message: "nope"))))
    }

    @Test func invalidMessagesKeepTheirIdWhenReadable() {
        guard case .failure(let failure) = RPCMessage.parse(["jsonrpc": "1.0", "id": 9, "method": "m"]) else {
            Issue.record("accepted jsonrpc 1.0")
            return
        }
        #expect(failure.id == .int(9))
        #expect(failure.error.code == RPCError.invalidRequestCode)
        guard case .failure(let nullID) = RPCMessage.parse(["jsonrpc": "2.0", "id": nil, "method": "m"]) else {
            Issue.record("accepted a request with a null id")
            return
        }
        #expect(nullID.error.message.contains("'id' must not be null"))
    }

    @Test func encodingRoundTrips() throws {
        let messages: [RPCMessage] = [
            .request(id: .int(1), method: "a", params: ["x": 1]),
            .notification(method: "$/progress", params: ["token": "job-1"]),
            .response(id: .string("s"), result: .success(["ok": true])),
            .response(id: nil, result: .failure(.parseError("bad"))),
        ]
        for message in messages {
            #expect(try RPCMessage.parse(message.json).get() == message)
        }
    }
}

/// Timestamps in status answers.
@Suite struct ISO8601TimestampTests {
    @Test(arguments: [0.0, 1_764_057_601.0, 1_764_057_601.999, 951_782_400.0, 4_102_444_799.0])
    func matchesFoundationsFormatting(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = ISO8601Timestamp.string(from: date)
        #expect(text == Date(timeIntervalSince1970: seconds.rounded(.down)).formatted(.iso8601))
        // And JSONCoding reads it back.
        let decoded = try JSONCoding.decoder.decode([Date].self, from: Data("[\"\(text)\"]".utf8))
        #expect(decoded.first?.timeIntervalSince1970 == seconds.rounded(.down))
    }
}
