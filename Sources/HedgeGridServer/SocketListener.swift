import Foundation
import HedgeGridTransport
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections on a listening Unix socket, checks each peer's credentials and hands
/// the allowed ones to the server.
public final class SocketListener: Sendable {
    public let fd: Int32
    public let path: String
    /// Whether the daemon created the socket file (and so removes it on stop).
    public let ownsSocketFile: Bool
    private let policy: PeerPolicy
    private let server: RPCServer
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(fd: Int32, path: String, ownsSocketFile: Bool, policy: PeerPolicy, server: RPCServer) {
        self.fd = fd
        self.path = path
        self.ownsSocketFile = ownsSocketFile
        self.policy = policy
        self.server = server
    }

    /// Starts the accepting thread.
    public func start() {
        let thread = Thread { [self] in
            acceptLoop()
            finished.signal()
        }
        thread.name = "hedgegrid.accept"
        thread.start()
    }

    /// Stops accepting, closes the socket and removes the file the daemon created.
    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        finished.wait()
        close(fd)
        if ownsSocketFile { unlink(path) }
    }

    private func acceptLoop() {
        let logger = server.logger
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = UnixSocket.accept(fd)
            if client < 0 {
                let error = errno
                if error == EINTR || error == ECONNABORTED { continue }
                if stopped.load(ordering: .sequentiallyConsistent) { return }
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM {
                    logger.error("accept failed, retrying", metadata: ["error": "\(String(cString: strerror(error)))"])
                    usleep(50_000)
                    continue
                }
                logger.error("accept failed, listener stops", metadata: ["error": "\(String(cString: strerror(error)))"])
                return
            }
            let credentials = UnixSocket.peerCredentials(of: client)
            if let reason = policy.refusal(for: credentials) {
                logger.warning("refused a connection", metadata: ["reason": "\(reason)"])
                close(client)
                continue
            }
            server.attach(
                FramedConnection(socket: client, maxFrameBytes: server.configuration.maxFrameBytes),
                transport: .socket, credentials: credentials)
        }
    }
}
