import Foundation
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

/// The JSON-RPC protocol over a real socket to a real daemon: framing, errors, batches.
@Suite struct RPCServerProtocolTests {
    @Test func requestGetsItsResult() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":7,"method":"test/echo","params":{"value":"hello"}}"#)
        let reply = try #require(connection.read())
        #expect(reply["id"] == 7)
        #expect(reply["result"] == "hello")
    }

    @Test func frameSplitIntoSingleBytesIsDecoded() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        let bytes = Frame.encode(body: Data(#"{"jsonrpc":"2.0","id":"s","method":"test/echo","params":{"value":1}}"#.utf8))
        for byte in bytes {
            connection.write(Data([byte]))
        }
        let reply = try #require(connection.read())
        #expect(reply["id"] == "s")
        #expect(reply["result"] == 1)
    }

    @Test func coalescedFramesAllGetReplies() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        var bytes = Data()
        for index in 0..<20 {
            bytes.append(Frame.encode(body: Data(#"{"jsonrpc":"2.0","id":\#(index),"method":"test/echo","params":{"value":\#(index)}}"#.utf8)))
        }
        connection.write(bytes)
        var seen: Set<Int64> = []
        for _ in 0..<20 {
            let reply = try #require(connection.read())
            let id = try #require(reply["id"]?.intValue)
            #expect(reply["result"]?.intValue == id)
            seen.insert(id)
        }
        #expect(seen == Set(0..<20))
    }

    @Test func invalidJSONIsAParseErrorAndTheConnectionGoesOn() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":1,"method":"#)
        let reply = try #require(connection.read())
        #expect(reply["error"]?["code"] == .int(-32700))
        #expect(reply["id"] == .null)
        connection.send(json: #"{"jsonrpc":"2.0","id":2,"method":"test/echo","params":{"value":2}}"#)
        #expect(connection.read()?["result"] == 2)
    }

    @Test func nonUTF8BodyIsAParseError() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.write(Frame.encode(body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])))
        let reply = try #require(connection.read())
        #expect(reply["error"]?["code"] == .int(-32700))
        #expect(reply["error"]?["message"]?.stringValue?.contains("UTF-8") == true)
    }

    @Test(arguments: [
        (#"{"id":1,"method":"test/echo"}"#, "jsonrpc"),
        (#"{"jsonrpc":"2.0","id":1,"method":5}"#, "method"),
        (#"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":3}"#, "params"),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"test/echo"}"#, "id"),
        (#"[1]"#, "object"),
        (#"[]"#, "empty batch"),
        (#""text""#, "object"),
    ])
    func invalidRequestsAreRefusedWithTheReason(body: String, reason: String) throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: body)
        var reply = try #require(connection.read())
        if case .array(let items) = reply { reply = try #require(items.first) }
        #expect(reply["error"]?["code"] == .int(-32600))
        let message = reply["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains(reason), "message was: \(message)")
    }

    @Test func unknownMethodIsMethodNotFound() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":3,"method":"no/such"}"#)
        let reply = try #require(connection.read())
        #expect(reply["error"]?["code"] == .int(-32601))
        #expect(reply["error"]?["message"]?.stringValue?.contains("no/such") == true)
    }

    @Test func invalidParamsNameTheBadField() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":4,"method":"test/job","params":{"steps":"ten"}}"#)
        let wrongType = try #require(connection.read())
        #expect(wrongType["error"]?["code"] == .int(-32602))
        #expect(wrongType["error"]?["message"]?.stringValue?.contains("'steps'") == true)
        connection.send(json: #"{"jsonrpc":"2.0","id":5,"method":"job/get","params":{}}"#)
        let missing = try #require(connection.read())
        #expect(missing["error"]?["code"] == .int(-32602))
        #expect(missing["error"]?["message"]?.stringValue?.contains("missing field 'jobId'") == true)
        connection.send(json: #"{"jsonrpc":"2.0","id":6,"method":"test/job","params":{"steps":0}}"#)
        let outOfRange = try #require(connection.read())
        #expect(outOfRange["error"]?["message"]?.stringValue?.contains("'steps' must be in") == true)
    }

    @Test func unexpectedHandlerErrorIsInternalError() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":8,"method":"test/fail"}"#)
        let reply = try #require(connection.read())
        #expect(reply["error"]?["code"] == .int(-32603))
        // The daemon survives it.
        connection.send(json: #"{"jsonrpc":"2.0","id":9,"method":"test/echo","params":{"value":9}}"#)
        #expect(connection.read()?["result"] == 9)
    }

    @Test func cancelRequestAnswersRequestCancelled() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":"slow","method":"test/echo","params":{"value":1,"delayMs":60000}}"#)
        usleep(100_000)
        connection.send(json: #"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"slow"}}"#)
        let reply = try #require(connection.read())
        #expect(reply["id"] == "slow")
        #expect(reply["error"]?["code"] == .int(-32800))
    }

    @Test func notificationGetsNoReply() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","method":"test/echo","params":{"value":"ignored"}}"#)
        connection.send(json: #"{"jsonrpc":"2.0","method":"some/unknownNotification"}"#)
        connection.send(json: #"{"jsonrpc":"2.0","id":10,"method":"test/echo","params":{"value":10}}"#)
        let reply = try #require(connection.read())
        #expect(reply["id"] == 10)
    }

    @Test func batchAnswersEveryRequestAndNoNotification() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: """
            [{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"value":"a"}},
             {"jsonrpc":"2.0","method":"test/echo","params":{"value":"notification"}},
             {"jsonrpc":"2.0","id":2,"method":"no/such"},
             {"foo":"bar"},
             {"jsonrpc":"2.0","id":3,"method":"test/echo","params":{"value":"c"}}]
            """)
        let reply = try #require(connection.read())
        let items = try #require(reply.arrayValue)
        #expect(items.count == 4)
        #expect(items[0]["result"] == "a")
        #expect(items[1]["error"]?["code"] == .int(-32601))
        #expect(items[2]["error"]?["code"] == .int(-32600))
        #expect(items[3]["result"] == "c")
    }

    @Test func oversizedFrameIsRefusedAndTheConnectionGoesOn() throws {
        let daemon = try TestDaemon(arguments: ["--max-frame-bytes", "4096"])
        let connection = try RawConnection(socket: daemon.socket)
        let big = #"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"value":""# + String(repeating: "x", count: 100_000) + #""}}"#
        connection.send(json: big)
        let refusal = try #require(connection.read())
        #expect(refusal["error"]?["code"] == .int(-32001))
        #expect(refusal["error"]?["message"]?.stringValue?.contains("exceeds the limit of 4096 bytes") == true)
        connection.send(json: #"{"jsonrpc":"2.0","id":2,"method":"test/echo","params":{"value":"small"}}"#)
        #expect(connection.read()?["result"] == "small")
    }

    @Test(arguments: [
        ("Content-Type: application/json\r\n\r\n{}", "missing Content-Length"),
        ("Content-Length: abc\r\n\r\n", "not a non-negative integer"),
        ("Content-Length: -5\r\n\r\n", "not a non-negative integer"),
        ("garbage without colon\r\n\r\n", "without a colon"),
    ])
    func malformedHeaderIsAParseErrorThenClose(header: String, reason: String) throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.write(header)
        let reply = try #require(connection.read())
        #expect(reply["error"]?["code"] == .int(-32700))
        #expect(reply["error"]?["message"]?.stringValue?.contains(reason) == true)
        #expect(connection.isClosedByPeer())
        // The daemon is unharmed: a new connection works.
        let fresh = try RawConnection(socket: daemon.socket)
        fresh.send(json: #"{"jsonrpc":"2.0","id":1,"method":"test/echo","params":{"value":1}}"#)
        #expect(fresh.read()?["result"] == 1)
    }

    @Test func statusReportsTheDaemon() throws {
        let daemon = try TestDaemon()
        let connection = try RawConnection(socket: daemon.socket)
        connection.send(json: #"{"jsonrpc":"2.0","id":1,"method":"daemon/status"}"#)
        let status = try #require(connection.read()?["result"])
        #expect(status["pid"]?.intValue == Int64(daemon.pid))
        #expect(status["socketPath"]?.stringValue == daemon.socket)
        #expect(status["stateDirectory"]?.stringValue == daemon.scratch.file("state"))
        #expect(status["cacheDirectory"]?.stringValue == daemon.scratch.file("cache"))
        // This connection is listed (the readiness probe's may still be, on a loaded machine).
        let clients = status["clients"]?.arrayValue ?? []
        #expect((1...2).contains(clients.count))
        #expect(clients.contains { $0["pid"]?.intValue == Int64(getpid()) && $0["uid"]?.intValue == Int64(getuid()) })
        #expect((status["uptimeSeconds"]?.doubleValue ?? -1) >= 0)
        #expect(status["version"]?.stringValue?.isEmpty == false)
    }
}
