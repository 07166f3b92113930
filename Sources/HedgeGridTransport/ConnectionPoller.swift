import CEpoll
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads many connections on one thread through Linux epoll.
///
/// A busy daemon with a thread per connection pays a thread wake-up (two context switches) for
/// every request; one polling thread takes every readable connection from one `epoll_wait` and
/// sleeps only when all of them are quiet. Handlers run on the polling thread, so they must
/// return quickly and never block (the daemon hands real work to tasks).
public final class ConnectionPoller: Sendable {
    /// Called on the polling thread when the descriptor is readable (or hung up), with a scratch
    /// buffer for the read. Returns false when the descriptor is finished.
    public typealias ReadableHandler = @Sendable (UnsafeMutableRawBufferPointer) -> Bool
    /// Called on the polling thread once the poller has stopped watching a finished descriptor:
    /// from then on its owner may close it (a new descriptor with the same number is safe).
    public typealias FinishedHandler = @Sendable () -> Void

    private struct Watch {
        var readable: ReadableHandler
        var finished: FinishedHandler
    }

    /// The poller the daemon's socket connections share; its thread starts on first use. Nil when
    /// the kernel refused an epoll instance (connections then read on threads of their own).
    public static let shared = ConnectionPoller(name: "hedgegrid.poller")

    private let epollFD: Int32
    private let watches = Mutex<[Int32: Watch]>([:])

    /// Creates the epoll instance and starts the polling thread; nil when epoll_create1 fails
    /// (out of descriptors or kernel memory).
    public init?(name: String, readBufferBytes: Int = 64 * 1024) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { return nil }
        let thread = Thread { [self] in pollLoop(readBufferBytes: readBufferBytes) }
        thread.name = name
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// Watches `fd` for input until `onReadable` returns false, then calls `onFinished`.
    /// Returns false when epoll refuses the descriptor (neither handler is called then).
    public func watch(_ fd: Int32, onReadable: @escaping ReadableHandler, onFinished: @escaping FinishedHandler) -> Bool {
        watches.withLock { $0[fd] = Watch(readable: onReadable, finished: onFinished) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            _ = watches.withLock { $0.removeValue(forKey: fd) }
            return false
        }
        return true
    }

    /// Number of descriptors watched.
    public var watchedCount: Int { watches.withLock { $0.count } }

    private func pollLoop(readBufferBytes: Int) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBufferBytes, alignment: 16)
        defer { buffer.deallocate() }
        let capacity: Int32 = 64
        var events = [epoll_event](repeating: epoll_event(), count: Int(capacity))
        while true {
            let count = epoll_wait(epollFD, &events, capacity, -1)
            if count < 0 {
                if errno == EINTR { continue }
                preconditionFailure("epoll_wait failed: \(String(cString: strerror(errno)))")
            }
            for index in 0..<Int(count) {
                let fd = events[index].data.fd
                guard let watch = watches.withLock({ $0[fd] }), !watch.readable(buffer) else { continue }
                var unused = epoll_event()
                epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &unused)
                _ = watches.withLock { $0.removeValue(forKey: fd) }
                watch.finished()
            }
        }
    }
}
