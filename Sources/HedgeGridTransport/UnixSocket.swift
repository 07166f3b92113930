import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The credentials of the process on the other end of a Unix socket (SO_PEERCRED).
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// A failed socket call, with the path and the system's reason.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String?
    public var errno: Int32

    public init(_ operation: String, path: String? = nil, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        if let path { return "\(operation) \(path): \(reason)" }
        return "\(operation): \(reason)"
    }

    /// Nothing is listening there: no such file, or a socket file that refuses connections.
    public var isNoListener: Bool { errno == ENOENT || errno == ECONNREFUSED }
}

/// Thin wrappers over the POSIX calls for `AF_UNIX` stream sockets.
public enum UnixSocket {
    /// The longest path that fits in `sockaddr_un.sun_path`.
    public static let maxPathLength = 107

    /// Connects to the socket at `path`; returns the connected descriptor.
    public static func connect(path: String) throws(SocketError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket", errno: errno) }
        var address = try makeAddress(path)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            Glibc.close(fd)
            throw SocketError("connect to", path: path, errno: error)
        }
        return fd
    }

    /// Creates, binds and listens on a socket at `path` with the given file mode.
    ///
    /// The path only ever names a socket that is listening with its final owner and mode: the
    /// socket is bound at a temporary name beside it (`path` + "." + pid), set up and listening,
    /// then linked to `path`, which fails with `EADDRINUSE` when `path` already exists (as a bind
    /// there would). A client that sees the file can connect at once. The mode is applied through
    /// the umask at bind time, so the file is never more open than asked.
    /// (`boundPath(of:)` of such a socket is the temporary name, which is gone.)
    public static func listen(path: String, mode: mode_t, group: gid_t?, backlog: Int32 = 128) throws(SocketError) -> Int32 {
        _ = try makeAddress(path)
        let temporary = path + ".\(getpid())"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket", errno: errno) }
        /// Closes the socket, removes the temporary name and throws `operation`'s error.
        func fail(_ operation: String, _ error: Int32, at failedPath: String = path) throws(SocketError) -> Never {
            Glibc.close(fd)
            unlink(temporary)
            throw SocketError(operation, path: failedPath, errno: error)
        }
        guard let address = try? makeAddress(temporary) else {
            try fail("socket path (with the temporary suffix .\(getpid())) longer than \(maxPathLength) bytes", ENAMETOOLONG)
        }
        var temporaryAddress = address
        // A name left by an earlier process with this pid (killed while starting): nothing listens there.
        unlink(temporary)
        let previousMask = umask(~mode & 0o777)
        let bound = withUnsafePointer(to: &temporaryAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let bindError = errno
        umask(previousMask)
        guard bound == 0 else { try fail("bind", bindError, at: temporary) }
        if let group, chown(temporary, uid_t.max, group) != 0 { try fail("chown (group \(group))", errno, at: temporary) }
        if chmod(temporary, mode) != 0 { try fail("chmod", errno, at: temporary) }
        guard Glibc.listen(fd, backlog) == 0 else { try fail("listen on", errno, at: temporary) }
        guard link(temporary, path) == 0 else {
            let error = errno
            try fail("bind", error == EEXIST ? EADDRINUSE : error)
        }
        unlink(temporary)
        return fd
    }

    /// Accepts one connection (close-on-exec); returns -1 with `errno` set on failure.
    public static func accept(_ listeningFD: Int32) -> Int32 {
        let fd = Glibc.accept(listeningFD, nil, nil)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }

    /// The peer's pid, uid and gid.
    public static func peerCredentials(of fd: Int32) -> PeerCredentials? {
        // `struct ucred` is hidden by Glibc without _GNU_SOURCE; this has the same layout.
        struct UCred {
            var pid: Int32 = 0
            var uid: UInt32 = 0
            var gid: UInt32 = 0
        }
        var credentials = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        let result = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length)
        guard result == 0 else { return nil }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }

    /// The path a listening socket is bound to (for inherited sockets).
    public static func boundPath(of fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return path.isEmpty ? nil : path
    }

    private static func makeAddress(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maxPathLength else {
            throw SocketError("socket path longer than \(maxPathLength) bytes", path: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return address
    }
}
