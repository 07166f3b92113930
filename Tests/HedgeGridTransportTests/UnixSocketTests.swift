import Foundation
import Synchronization
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
        // Bound at a temporary name, which is gone once the socket is linked to its path.
        #expect(UnixSocket.boundPath(of: listener) == scratch.socket + ".\(getpid())")
        #expect(access(scratch.socket + ".\(getpid())", F_OK) != 0)
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

    @Test func aPathThatExistsAlreadyIsInUseAndKeptAsItIs() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let first = try UnixSocket.listen(path: scratch.socket, mode: 0o600, group: nil)
        defer { close(first) }
        do {
            let second = try UnixSocket.listen(path: scratch.socket, mode: 0o600, group: nil)
            close(second)
            Issue.record("a second socket took the path of a listening one")
        } catch {
            #expect(error.errno == EADDRINUSE)
            #expect(error.description.contains(scratch.socket))
        }
        // The first one still answers there, and no temporary name is left behind.
        let client = try UnixSocket.connect(path: scratch.socket)
        close(client)
        #expect(access(scratch.socket + ".\(getpid())", F_OK) != 0)
    }

    /// A client that waits for the socket file (as scripts and the notebook client's tests do)
    /// can connect as soon as it sees it: the file never names a socket that is not listening yet.
    @Test func theSocketFileNamesAListeningSocketFromTheMomentItExists() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        /// 0: the poller looks for the file; 1: it saw it and connected (or failed); 2: stop.
        let phase = Atomic<Int>(0)
        let refusals = Atomic<Int>(0)
        let path = scratch.socket
        let poller = Thread {
            while phase.load(ordering: .acquiring) != 2 {
                guard phase.load(ordering: .acquiring) == 0, access(path, F_OK) == 0 else { continue }
                do {
                    close(try UnixSocket.connect(path: path))
                } catch {
                    refusals.add(1, ordering: .relaxed)
                }
                phase.store(1, ordering: .releasing)
            }
        }
        poller.start()
        defer { phase.store(2, ordering: .releasing) }
        // 5,000 rounds: the old bind, chmod, listen order was refused 13-21 times in them.
        for _ in 0..<5000 {
            let listener = try UnixSocket.listen(path: path, mode: 0o600, group: nil)
            while phase.load(ordering: .acquiring) != 1 {}
            unlink(path)
            close(listener)
            phase.store(0, ordering: .releasing)
        }
        #expect(refusals.load(ordering: .relaxed) == 0)
    }

    @Test func tooLongPathIsRefused() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: SocketError.self) { try UnixSocket.listen(path: path, mode: 0o600, group: nil) }
    }
}
