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

    /// Received bytes; those before `readIndex` are consumed.
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the blank line that ends the header block resumes.
    private var headerScanIndex = 0
    private var bytesToSkip = 0
    private var failed = false

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds bytes read from the stream.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard !failed else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            headerScanIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeFirst(readIndex)
            headerScanIndex -= readIndex
            readIndex = 0
        }
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
        guard let headerEnd = findBlankLine() else {
            if bufferedByteCount > Self.maxHeaderBytes {
                return fail("header block longer than \(Self.maxHeaderBytes) bytes without a blank line")
            }
            return nil
        }
        if headerEnd - readIndex > Self.maxHeaderBytes {
            return fail("header block longer than \(Self.maxHeaderBytes) bytes")
        }
        let length: Int
        switch Self.contentLength(of: buffer[readIndex..<headerEnd]) {
        case .failure(let reason): return fail(reason.description)
        case .success(let value): length = value
        }
        let bodyStart = headerEnd + 4
        if length > maxFrameBytes {
            readIndex = bodyStart
            headerScanIndex = readIndex
            bytesToSkip = length
            skipPending()
            return .oversized(length: length)
        }
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Data(buffer[bodyStart..<(bodyStart + length)])
        readIndex = bodyStart + length
        headerScanIndex = readIndex
        return .frame(body)
    }

    /// The index of the `\r\n\r\n` that ends the header block, or nil when it has not arrived.
    private mutating func findBlankLine() -> Int? {
        var index = max(headerScanIndex, readIndex)
        while index + 3 < buffer.count {
            if buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D && buffer[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        headerScanIndex = index
        return nil
    }

    /// Why a header block cannot be read.
    private struct HeaderProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The Content-Length of a header block (header lines separated by CRLF, each `Name: value`;
    /// names are case-insensitive, other headers such as Content-Type are allowed).
    private static func contentLength(of header: ArraySlice<UInt8>) -> Result<Int, HeaderProblem> {
        if header.contains(where: { $0 >= 0x80 }), String(bytes: header, encoding: .utf8) == nil {
            return .failure(HeaderProblem(description: "header block is not valid UTF-8"))
        }
        var contentLength: Int?
        var lineStart = header.startIndex
        while lineStart <= header.endIndex {
            var lineEnd = lineStart
            while lineEnd < header.endIndex && !(header[lineEnd] == 0x0D && lineEnd + 1 < header.endIndex && header[lineEnd + 1] == 0x0A) {
                lineEnd += 1
            }
            let line = header[lineStart..<lineEnd]
            lineStart = lineEnd + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(HeaderProblem(description: "header line without a colon: '\(String(decoding: line.prefix(80), as: UTF8.self))'"))
            }
            guard isContentLength(trimmed(line[line.startIndex..<colon])) else { continue }
            let value = trimmed(line[(colon + 1)...])
            guard !value.isEmpty, value.count <= 18, value.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return .failure(HeaderProblem(description: "Content-Length '\(String(decoding: value.prefix(40), as: UTF8.self))' is not a non-negative integer"))
            }
            let length = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if let contentLength, contentLength != length {
                return .failure(HeaderProblem(description: "two different Content-Length headers"))
            }
            contentLength = length
        }
        guard let contentLength else { return .failure(HeaderProblem(description: "missing Content-Length header")) }
        return .success(contentLength)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }

    private static func isContentLength(_ name: ArraySlice<UInt8>) -> Bool {
        let expected = "content-length".utf8
        guard name.count == expected.count else { return false }
        return zip(name, expected).allSatisfy { byte, lower in
            ((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) == lower  // ASCII A-Z to a-z
        }
    }

    private mutating func skipPending() {
        let count = min(bytesToSkip, bufferedByteCount)
        readIndex += count
        headerScanIndex = readIndex
        bytesToSkip -= count
    }

    private mutating func fail(_ reason: String) -> Event {
        failed = true
        buffer = []
        readIndex = 0
        return .malformed(reason)
    }
}
