import Foundation
import HedgeGridRPC
import HedgeGridTestSupport
import HedgeGridTransport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The shared polling thread that reads the daemon's socket connections.
@Suite struct ConnectionPollerTests {
    /// A connected pair of Unix stream sockets.
    static func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    static func write(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        #expect(Glibc.write(fd, bytes, bytes.count) == bytes.count)
    }

    /// Events and closes seen by polled connections.
    final class Recorder: Sendable {
        let frames = Mutex<[Int: [String]]>([:])
        let closes = Mutex<[Int: Int]>([:])

        func handlers(_ index: Int) -> (FramedConnection.EventHandler, FramedConnection.CloseHandler) {
            ({ event in
                if case .frame(let body) = event {
                    self.frames.withLock { $0[index, default: []].append(String(decoding: body, as: UTF8.self)) }
                }
            }, { self.closes.withLock { $0[index, default: 0] += 1 } })
        }
    }

    @Test func manyConnectionsOnOneThreadKeepTheirStreamsApart() async {
        let poller = ConnectionPoller(name: "test.poller")!
        let recorder = Recorder()
        var peers: [Int32] = []
        var connections: [FramedConnection] = []
        for index in 0..<20 {
            let (near, far) = Self.socketPair()
            let connection = FramedConnection(socket: near, maxFrameBytes: 1 << 20)
            let (onEvent, onClose) = recorder.handlers(index)
            connection.start(poller: poller, onEvent: onEvent, onClose: onClose)
            peers.append(far)
            connections.append(connection)
        }
        #expect(poller.watchedCount == 20)
        // Every connection gets three frames, the second split across two writes.
        for round in 0..<3 {
            for (index, peer) in peers.enumerated() {
                let frame = String(decoding: Frame.encode(body: Data("\(index)-\(round)".utf8)), as: UTF8.self)
                if round == 1 {
                    Self.write(String(frame.prefix(10)), to: peer)
                    Self.write(String(frame.dropFirst(10)), to: peer)
                } else {
                    Self.write(frame, to: peer)
                }
            }
        }
        #expect(await eventually { recorder.frames.withLock { $0.values.map(\.count).reduce(0, +) } == 60 })
        let frames = recorder.frames.withLock { $0 }
        for index in 0..<20 {
            #expect(frames[index] == (0..<3).map { "\(index)-\($0)" })
        }
        // A peer hanging up ends its connection only, once.
        close(peers[3])
        #expect(await eventually { recorder.closes.withLock { $0[3] } == 1 })
        #expect(await eventually { poller.watchedCount == 19 })
        #expect(connections[3].isClosed)
        #expect(!connections[4].isClosed)
        // Closing from our side ends the connection the same way.
        connections[5].close()
        #expect(await eventually { recorder.closes.withLock { $0[5] } == 1 })
        #expect(await eventually { poller.watchedCount == 18 })
        // The others still read.
        Self.write(String(decoding: Frame.encode(body: Data("late".utf8)), as: UTF8.self), to: peers[4])
        #expect(await eventually { recorder.frames.withLock { $0[4]?.last } == "late" })
        for (index, peer) in peers.enumerated() where index != 3 { close(peer) }
        #expect(await eventually { poller.watchedCount == 0 })
        #expect(recorder.closes.withLock { $0.values.allSatisfy { $0 == 1 } && $0.count == 20 })
    }

    @Test func aDescriptorNumberReusedAfterACloseIsReadAgain() async {
        let poller = ConnectionPoller(name: "test.poller.reuse")!
        let recorder = Recorder()
        var numbers = Set<Int32>()
        for index in 0..<30 {
            // Each round closes the previous pair, so the kernel hands out the same numbers again.
            let (near, far) = Self.socketPair()
            numbers.insert(near)
            let connection = FramedConnection(socket: near, maxFrameBytes: 1 << 20)
            let (onEvent, onClose) = recorder.handlers(index)
            connection.start(poller: poller, onEvent: onEvent, onClose: onClose)
            Self.write(String(decoding: Frame.encode(body: Data("round \(index)".utf8)), as: UTF8.self), to: far)
            #expect(await eventually { recorder.frames.withLock { $0[index] } == ["round \(index)"] })
            close(far)
            #expect(await eventually { recorder.closes.withLock { $0[index] } == 1 })
            // The connection closes its descriptor after the poller let go of it.
            #expect(await eventually { fcntl(near, F_GETFD) == -1 })
            #expect(poller.watchedCount == 0)
        }
        #expect(numbers.count < 30, "the kernel never reused a descriptor number, so reuse went untested")
    }

    @Test func aMalformedHeaderEndsOnlyThatConnection() async {
        let poller = ConnectionPoller(name: "test.poller.malformed")!
        let recorder = Recorder()
        let (near, far) = Self.socketPair()
        let connection = FramedConnection(socket: near, maxFrameBytes: 1 << 20)
        let (onEvent, onClose) = recorder.handlers(0)
        connection.start(poller: poller, onEvent: onEvent, onClose: onClose)
        Self.write("no colon here\r\n\r\n", to: far)
        #expect(await eventually { recorder.closes.withLock { $0[0] } == 1 })
        #expect(poller.watchedCount == 0)
        close(far)
    }
}
