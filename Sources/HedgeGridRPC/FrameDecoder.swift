import Foundation

/// Splits a byte stream into LSP-framed message bodies, however the bytes arrive:
/// one byte at a time, a frame split across reads, or many frames in one read.
public struct FrameDecoder: Sendable {
    /// What the decoder found next in the stream.
    public enum Event: Sendable, Equatable {
        /// A complete body.
        case frame(Data)
        /// A frame whose Content-Length exceeds the limit; its body is skipped, the stream goes on.
        case oversized(length: Int)
        /// The header block cannot be read; the stream cannot be resynchronised and should be closed.
        case malformed(String)
    }

    /// Largest accepted body, in bytes.
    public let maxFrameBytes: Int
    /// Largest accepted header block, in bytes.
    public static let maxHeaderBytes = 8 * 1024

    private var buffer = Data()
    private var bytesToSkip = 0
    private var failed = false

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count }

    /// Adds bytes read from the stream.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard !failed else { return }
        buffer.append(contentsOf: bytes)
        if bytesToSkip > 0 { skipPending() }
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        guard !failed else { return nil }
        if bytesToSkip > 0 {
            skipPending()
            if bytesToSkip > 0 { return nil }
        }
        let separator = Data("\r\n\r\n".utf8)
        guard let headerEnd = buffer.range(of: separator) else {
            if buffer.count > Self.maxHeaderBytes {
                return fail("header block longer than \(Self.maxHeaderBytes) bytes without a blank line")
            }
            return nil
        }
        let headerBytes = buffer[buffer.startIndex..<headerEnd.lowerBound]
        if headerBytes.count > Self.maxHeaderBytes {
            return fail("header block longer than \(Self.maxHeaderBytes) bytes")
        }
        guard let headerText = String(data: Data(headerBytes), encoding: .utf8) else {
            return fail("header block is not valid UTF-8")
        }
        var contentLength: Int?
        for line in headerText.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else {
                return fail("header line without a colon: '\(line.prefix(80))'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard !value.isEmpty, value.allSatisfy(\.isASCIIDigit), value.count <= 18, let length = Int(value)
                else {
                    return fail("Content-Length '\(value.prefix(40))' is not a non-negative integer")
                }
                if let contentLength, contentLength != length {
                    return fail("two different Content-Length headers")
                }
                contentLength = length
            }
        }
        guard let length = contentLength else {
            return fail("missing Content-Length header")
        }
        let bodyStart = headerEnd.upperBound
        if length > maxFrameBytes {
            buffer.removeSubrange(buffer.startIndex..<bodyStart)
            bytesToSkip = length
            skipPending()
            return .oversized(length: length)
        }
        let available = buffer.endIndex - bodyStart
        guard available >= length else { return nil }
        let body = Data(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeSubrange(buffer.startIndex..<(bodyStart + length))
        return .frame(body)
    }

    private mutating func skipPending() {
        let count = min(bytesToSkip, buffer.count)
        buffer.removeSubrange(buffer.startIndex..<(buffer.startIndex + count))
        bytesToSkip -= count
    }

    private mutating func fail(_ reason: String) -> Event {
        failed = true
        buffer = Data()
        return .malformed(reason)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
