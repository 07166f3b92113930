import Foundation
import HedgeGridRPC
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// A blocking socket that writes raw bytes and reads framed messages, for protocol tests
/// that must control every byte on the wire.
public final class RawConnection {
    public let fd: Int32
    private var decoder = FrameDecoder(maxFrameBytes: 64 << 20)

    public init(socket path: String, readTimeoutSeconds: Int = 10) throws {
        fd = try UnixSocket.connect(path: path)
        var timeout = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func write(_ bytes: Data) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    public func write(_ text: String) { write(Data(text.utf8)) }

    /// Frames and writes a JSON text body.
    public func send(json body: String) { write(Frame.encode(body: Data(body.utf8))) }

    public func send(_ value: JSONValue) { write(Frame.encode(value)) }

    /// The next message, or nil on timeout or end of stream.
    public func read() -> JSONValue? {
        while true {
            if let event = decoder.next() {
                guard case .frame(let body) = event, case .success(let value) = Frame.decodeBody(body) else { return nil }
                return value
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            decoder.append(buffer[0..<count])
        }
    }

    /// Reads messages until one is a response (skipping notifications).
    public func readResponse() -> JSONValue? {
        while let message = read() {
            if message["method"] == nil { return message }
        }
        return nil
    }

    /// True when the peer closed the stream (read returns 0) within the timeout.
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }
}
