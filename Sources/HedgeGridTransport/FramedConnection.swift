import Dispatch
import Foundation
import HedgeGridRPC
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A bidirectional LSP-framed byte stream over file descriptors: a Unix socket,
/// or stdin and stdout. A dedicated thread, or a `ConnectionPoller` shared with other sockets,
/// reads and splits frames; writes go straight to a socket without blocking, and what does not
/// fit goes through a serial queue, so a sender never blocks on a slow peer and frames never
/// interleave.
public final class FramedConnection: Sendable {
    /// Called for each decoded frame event, on the reading thread, in stream order.
    public typealias EventHandler = @Sendable (FrameDecoder.Event) -> Void
    /// Called once when the stream ends (end of file, error, or `close()`).
    public typealias CloseHandler = @Sendable () -> Void

    private struct State {
        var closed = false
        /// Bytes handed to the write queue and not yet written.
        var pendingBytes = 0
        /// Frames handed to the write queue and not yet written; while non-zero, new frames queue behind them.
        var queuedFrames = 0
    }

    public let readFD: Int32
    public let writeFD: Int32
    public let maxFrameBytes: Int
    /// Queued output beyond this many bytes means the peer stopped reading: the connection is closed.
    public let maxPendingBytes: Int
    private let writeQueue = DispatchQueue(label: "hedgegrid.connection.write")
    private let state = Mutex(State())
    private let isSocket: Bool

    /// Wraps open descriptors; the connection owns and closes them.
    public init(readFD: Int32, writeFD: Int32, maxFrameBytes: Int, maxPendingBytes: Int = 256 << 20) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.maxFrameBytes = maxFrameBytes
        self.maxPendingBytes = maxPendingBytes
        self.polledDecoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
        var info = stat()
        self.isSocket = fstat(readFD, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Wraps a connected socket.
    public convenience init(socket fd: Int32, maxFrameBytes: Int) {
        self.init(readFD: fd, writeFD: fd, maxFrameBytes: maxFrameBytes)
    }

    /// Starts reading: on `poller`'s thread when one is given (sockets only), else on a thread
    /// of the connection's own.
    public func start(poller: ConnectionPoller? = nil, onEvent: @escaping EventHandler, onClose: @escaping CloseHandler) {
        if let poller, isSocket {
            let watched = poller.watch(
                readFD, onReadable: { [self] buffer in readAvailable(into: buffer, onEvent: onEvent) },
                onFinished: { [self] in finish(onClose: onClose) })
            if watched { return }
        }
        let thread = Thread { [self] in
            readLoop(onEvent: onEvent)
            finish(onClose: onClose)
        }
        thread.name = "hedgegrid.connection.read"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Writes a frame, or queues it when the socket cannot take it at once (or earlier frames are
    /// still queued). Returns false when the connection is closed.
    @discardableResult
    public func send(frame data: Data) -> Bool {
        enum Plan { case closed, done, queue(Data), overflow }
        let plan = state.withLock { state -> Plan in
            guard !state.closed else { return .closed }
            var remaining = data
            if state.queuedFrames == 0 && isSocket {
                // Fast path: write straight away without blocking; queue what does not fit.
                let written = writeNow(data)
                guard written >= 0 else { return .overflow }
                if written == data.count { return .done }
                remaining = data.subdata(in: written..<data.count)
            }
            state.pendingBytes += remaining.count
            state.queuedFrames += 1
            return state.pendingBytes <= maxPendingBytes ? .queue(remaining) : .overflow
        }
        switch plan {
        case .closed:
            return false
        case .done:
            return true
        case .overflow:
            close()
            return false
        case .queue(let remaining):
            writeQueue.async { [self] in
                let ok = writeAll(remaining)
                state.withLock {
                    $0.pendingBytes -= remaining.count
                    $0.queuedFrames -= 1
                }
                if !ok { close() }
            }
            return true
        }
    }

    /// Writes what the socket takes without blocking; -1 on a broken connection.
    private func writeNow(_ data: Data) -> Int {
        data.withUnsafeBytes { raw -> Int in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(writeFD, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { return offset }
                    return -1
                }
                offset += written
            }
            return offset
        }
    }

    /// Frames and queues a message.
    @discardableResult
    public func send(_ message: RPCMessage) -> Bool {
        send(frame: Frame.encode(message))
    }

    /// Frames and queues a JSON value (a message or a batch).
    @discardableResult
    public func send(_ value: JSONValue) -> Bool {
        send(frame: Frame.encode(value))
    }

    /// Waits until every queued frame has been written.
    public func flush() {
        writeQueue.sync {}
    }

    /// Stops reading and writing; queued frames are dropped once the reader has stopped.
    public func close() {
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        if isSocket {
            shutdown(readFD, Int32(SHUT_RDWR))
        }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// After the last read: marks the connection closed, tells the owner, and closes the
    /// descriptors once queued writes are done.
    private func finish(onClose: CloseHandler) {
        state.withLock { $0.closed = true }
        onClose()
        writeQueue.async { [self] in closeDescriptors() }
    }

    /// The polled connection's frame decoder; used only on the poller's thread.
    private nonisolated(unsafe) var polledDecoder: FrameDecoder

    /// Reads what one `recv` returns and hands out its frames; false once the stream has ended.
    private func readAvailable(into buffer: UnsafeMutableRawBufferPointer, onEvent: EventHandler) -> Bool {
        let count = recv(readFD, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { return true }
        guard count > 0 else { return false }
        polledDecoder.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        while let event = polledDecoder.next() {
            onEvent(event)
            if case .malformed = event { return false }
        }
        return true
    }

    private func readLoop(onEvent: EventHandler) {
        var decoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(readFD, buffer.baseAddress, bufferSize)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            decoder.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            while let event = decoder.next() {
                onEvent(event)
                if case .malformed = event { return }
            }
        }
    }

    private func writeAll(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let written: Int
                if isSocket {
                    written = Glibc.send(writeFD, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                } else {
                    written = write(writeFD, raw.baseAddress! + offset, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    private func closeDescriptors() {
        Glibc.close(readFD)
        if writeFD != readFD { Glibc.close(writeFD) }
    }
}
