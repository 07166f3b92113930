import Foundation
import HedgeGridRPC
import Testing

/// The LSP framing decoder, fed every way a stream can arrive.
@Suite struct FrameDecoderTests {
    static let bodies = [#"{"a":1}"#, #"{"jsonrpc":"2.0","id":2,"method":"x","params":{"k":"é ✓"}}"#, "[]", ""]

    var stream: Data {
        Self.bodies.reduce(into: Data()) { $0.append(Frame.encode(body: Data($1.utf8))) }
    }

    func decodeAll(_ chunks: [Data], limit: Int = 1 << 20) -> [FrameDecoder.Event] {
        var decoder = FrameDecoder(maxFrameBytes: limit)
        var events: [FrameDecoder.Event] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let event = decoder.next() { events.append(event) }
        }
        return events
    }

    var expected: [FrameDecoder.Event] { Self.bodies.map { .frame(Data($0.utf8)) } }

    @Test func wholeStreamAtOnce() {
        #expect(decodeAll([stream]) == expected)
    }

    @Test func oneByteAtATime() {
        #expect(decodeAll(stream.map { Data([$0]) }) == expected)
    }

    @Test(arguments: [2, 3, 5, 7, 13, 64])
    func everyChunkSize(size: Int) {
        let bytes = stream
        let chunks = stride(from: 0, to: bytes.count, by: size).map { bytes.subdata(in: $0..<min($0 + size, bytes.count)) }
        #expect(decodeAll(chunks) == expected)
    }

    @Test func headerNamesAreCaseInsensitiveAndContentTypeIsAllowed() {
        let text = "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
        #expect(decodeAll([Data(text.utf8)]) == [.frame(Data("{}".utf8))])
    }

    @Test func oversizedFrameIsSkippedAndTheNextOneDecodes() {
        var bytes = Frame.encode(body: Data(repeating: UInt8(ascii: "x"), count: 5000))
        bytes.append(Frame.encode(body: Data("{}".utf8)))
        let events = decodeAll(stride(from: 0, to: bytes.count, by: 100).map { bytes.subdata(in: $0..<min($0 + 100, bytes.count)) }, limit: 1000)
        #expect(events == [.oversized(length: 5000), .frame(Data("{}".utf8))])
    }

    @Test(arguments: [
        ("Content-Type: x\r\n\r\n", "missing Content-Length"),
        ("Content-Length: 12abc\r\n\r\n", "not a non-negative integer"),
        ("Content-Length: \r\n\r\n", "not a non-negative integer"),
        ("Content-Length: 99999999999999999999999\r\n\r\n", "not a non-negative integer"),
        ("Content-Length: 2\r\nContent-Length: 3\r\n\r\n", "two different Content-Length"),
        ("no colon here\r\n\r\n", "without a colon"),
    ])
    func malformedHeadersAreReported(header: String, reason: String) {
        let events = decodeAll([Data(header.utf8)])
        guard case .malformed(let message)? = events.first else {
            Issue.record("expected a malformed event, got \(events)")
            return
        }
        #expect(message.contains(reason))
        #expect(events.count == 1)
    }

    @Test func endlessHeaderIsRefused() {
        let events = decodeAll([Data(String(repeating: "X", count: FrameDecoder.maxHeaderBytes + 1).utf8)])
        guard case .malformed(let message)? = events.first else {
            Issue.record("expected a malformed event, got \(events)")
            return
        }
        #expect(message.contains("header block longer"))
    }

    @Test func incompleteFrameWaitsForMoreBytes() {
        var decoder = FrameDecoder(maxFrameBytes: 100)
        decoder.append(Data("Content-Length: 10\r\n\r\n{\"a\":".utf8))
        #expect(decoder.next() == nil)
        decoder.append(Data("12}  ".utf8))
        #expect(decoder.next() == .frame(Data("{\"a\":12}  ".utf8)))
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func bodyDecodingRejectsInvalidUTF8AndInvalidJSON() {
        guard case .failure(let utf8) = Frame.decodeBody(Data([0x22, 0xC3, 0x28, 0x22])) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(utf8.code == RPCError.parseErrorCode && utf8.message.contains("UTF-8"))
        guard case .failure(let json) = Frame.decodeBody(Data("{\"a\":}".utf8)) else {
            Issue.record("invalid JSON accepted")
            return
        }
        #expect(json.code == RPCError.parseErrorCode && json.message.contains("not valid JSON"))
    }
}

/// Decoder details the fast byte-level header parser must keep.
@Suite struct FrameDecoderHeaderTests {
    @Test func aLongStreamInSmallChunksComesOutWhole() {
        // Enough frames that the consumed prefix of the buffer is dropped many times on the way.
        let bodies = (0..<2_000).map { #"{"id":\#($0),"pad":"\#(String(repeating: "x", count: $0 % 97))"}"# }
        let stream = bodies.reduce(into: Data()) { $0.append(Frame.encode(body: Data($1.utf8))) }
        var decoder = FrameDecoder(maxFrameBytes: 1 << 20)
        var decoded: [String] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 777)
            decoder.append(stream[offset..<end])
            offset = end
            while case .frame(let body)? = decoder.next() { decoded.append(String(decoding: body, as: UTF8.self)) }
        }
        #expect(decoded == bodies)
        #expect(decoder.bufferedByteCount == 0)
    }

    /// Why the decoder calls these bytes malformed, or nil when it does not.
    func malformedReason(_ bytes: Data) -> String? {
        var decoder = FrameDecoder(maxFrameBytes: 100)
        decoder.append(bytes)
        if case .malformed(let reason)? = decoder.next() { return reason }
        return nil
    }

    @Test func aHeaderThatIsNotUTF8IsMalformed() {
        let reason = malformedReason(Data("X-Name: ".utf8) + Data([0xC3, 0x28]) + Data("\r\nContent-Length: 2\r\n\r\n{}".utf8))
        #expect(reason?.contains("UTF-8") == true, "got \(String(describing: reason))")
    }

    @Test func headerValuesMayHaveSpacesAndTabsAroundThem() {
        var decoder = FrameDecoder(maxFrameBytes: 100)
        decoder.append(Data("CONTENT-LENGTH:\t 2 \r\nContent-Type: x\r\n\r\n{}".utf8))
        #expect(decoder.next() == .frame(Data("{}".utf8)))
    }

    @Test func aNameThatOnlyLooksLikeContentLengthIsNotIt() {
        let reason = malformedReason(Data("Content\rLength: 2\r\n\r\n{}".utf8))
        #expect(reason?.contains("missing Content-Length") == true, "got \(String(describing: reason))")
    }
}
