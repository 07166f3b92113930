import Foundation
import HedgeGridTestSupport
import HedgeGridTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The POSIX socket wrappers.
@Suite struct UnixSocketTests {
    @Test func listenSetsTheModeAndPeersSeeEachOthersCredentials() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let listener = try UnixSocket.listen(path: scratch.socket, mode: 0o600, group: nil)
        defer { close(listener) }
        var info = stat()
        stat(scratch.socket, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect((info.st_mode & S_IFMT) == S_IFSOCK)
        #expect(UnixSocket.boundPath(of: listener) == scratch.socket)
        let client = try UnixSocket.connect(path: scratch.socket)
        defer { close(client) }
        let server = UnixSocket.accept(listener)
        defer { close(server) }
        let credentials = try #require(UnixSocket.peerCredentials(of: server))
        #expect(credentials.pid == getpid())
        #expect(credentials.uid == getuid())
        #expect(credentials.gid == getgid())
    }

    @Test func connectingToNothingSaysNoListener() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        do {
            _ = try UnixSocket.connect(path: scratch.socket)
            Issue.record("connected to a socket that does not exist")
        } catch {
            #expect(error.isNoListener)
            #expect(error.description.contains(scratch.socket))
        }
    }

    @Test func tooLongPathIsRefused() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: SocketError.self) { try UnixSocket.listen(path: path, mode: 0o600, group: nil) }
    }
}
