import Foundation
import HedgeGridRPC
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// The load generator of `hgctl bench rpc`: client connections each sending a request and
/// waiting for its answer before the next (closed loop), or sending on a fixed schedule (open
/// loop), with plain `write`/`read` and framing only (answers are checked for their id, not
/// decoded), so that the measurement is the daemon's and not the client library's. The
/// connections are driven by one polling thread (`Driver.polled`, see `runPolled`) or by one
/// blocking thread each (`Driver.threads`).
struct RoundTripLoad {
    var socketPath: String
    var method: String
    var clients: Int
    var requests: Int
    var warmup: Int
    /// Requests per second for all clients together; 0 for a closed loop.
    var rate: Double
    var driver: Driver

    /// How the client connections are driven.
    enum Driver: String, CaseIterable {
        /// One thread polls every connection.
        case polled
        /// One thread per connection, blocking in `read`.
        case threads
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Latencies of every timed request, in milliseconds, and the wall time of the timed part.
    func run() throws -> (samples: [Double], wall: Double) {
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for _ in 0..<clients {
            do {
                descriptors.append(try UnixSocket.connect(path: socketPath))
            } catch {
                throw Failure(description: "cannot connect to \(socketPath): \(error)")
            }
        }
        if driver == .polled { return try runPolled(descriptors: descriptors) }
        let results = LockedResults(count: clients)
        let start = DispatchSemaphore(value: 0)
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let period = rate > 0 ? Double(clients) / rate : 0
        for (index, fd) in descriptors.enumerated() {
            ready.enter()
            done.enter()
            let thread = Thread { [self] in
                defer { done.leave() }
                var connection = Connection(fd: fd)
                for number in 0..<warmup {
                    if let error = connection.roundTrip(id: -1 - number, method: method) {
                        results.fail(error)
                        ready.leave()
                        return
                    }
                }
                ready.leave()
                start.wait()
                var samples: [Double] = []
                samples.reserveCapacity(requests)
                let origin = Self.now() + period * Double(index) / Double(clients)
                for number in 0..<requests {
                    if period > 0 { Self.sleep(until: origin + period * Double(number)) }
                    let begin = Self.now()
                    if let error = connection.roundTrip(id: number, method: method) {
                        results.fail(error)
                        return
                    }
                    samples.append((Self.now() - begin) * 1e3)
                }
                results.set(index, samples)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        ready.wait()
        let began = Self.now()
        for _ in 0..<clients { start.signal() }
        done.wait()
        let wall = Self.now() - began
        if let failure = results.failure { throw Failure(description: failure) }
        return (results.all, wall)
    }

    /// What is wrong with an answer to request `id`, or nil. The daemon writes members in sorted
    /// order, so an answer starting `{"id":<id>,` without `"error"` anywhere is read no further;
    /// any other answer is decoded and its top-level `id` and `error` checked.
    static func problem(answer body: Data, id: Int) -> String? {
        if body.starts(with: #"{"id":\#(id),"#.utf8) && !contains(body, #""error""#) { return nil }
        guard let answer = try? JSONParser.parse(body), answer["id"]?.intValue == Int64(id) else {
            return "an answer without id \(id): \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        guard answer["error"] == nil else {
            return "an error answer: \(String(decoding: body.prefix(300), as: UTF8.self))"
        }
        return nil
    }

    private static func contains(_ body: Data, _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return body.withUnsafeBytes { haystack in
            guard haystack.count >= needle.count else { return false }
            return (0...(haystack.count - needle.count)).contains { start in
                haystack[start] == needle[0] && needle.indices.allSatisfy { haystack[start + $0] == needle[$0] }
            }
        }
    }

    /// Writes the framed request on a blocking socket; returns what went wrong, if anything.
    static func sendRequest(id: Int, method: String, on fd: Int32) -> String? {
        let frame = requestFrame(id: id, method: method)
        var offset = 0
        while offset < frame.count {
            let written = frame.withUnsafeBytes { write(fd, $0.baseAddress! + offset, frame.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return "write failed: \(String(cString: strerror(errno)))" }
            offset += written
        }
        return nil
    }

    /// The framed request `{"jsonrpc":"2.0","id":<id>,"method":<method>}`, written without a JSON tree.
    static func requestFrame(id: Int, method: String) -> [UInt8] {
        let body = #"{"jsonrpc":"2.0","id":"# + String(id) + #","method":"# + JSONSerializer.string(.string(method)) + "}"
        return Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func sleep(until deadline: Double) {
        let remaining = deadline - now()
        guard remaining > 0 else { return }
        var request = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - Double(Int(remaining))) * 1e9))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }

    /// One client connection: framed writes and reads on a blocking socket.
    struct Connection {
        let fd: Int32
        var decoder = FrameDecoder(maxFrameBytes: 64 << 20)
        var buffer = [UInt8](repeating: 0, count: 65_536)

        init(fd: Int32) {
            self.fd = fd
        }

        /// Sends one request and waits for its answer; returns what went wrong, if anything.
        mutating func roundTrip(id: Int, method: String) -> String? {
            if let error = RoundTripLoad.sendRequest(id: id, method: method, on: fd) { return error }
            while true {
                switch decoder.next() {
                case .frame(let body)?:
                    return RoundTripLoad.problem(answer: body, id: id)
                case .oversized?, .malformed?:
                    return "a malformed answer"
                case nil:
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { return "the daemon closed the connection" }
                    decoder.append(buffer[0..<count])
                }
            }
        }
    }

    /// The threads' results.
    final class LockedResults: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [[Double]]
        private(set) var failure: String?

        init(count: Int) {
            parts = Array(repeating: [], count: count)
        }

        func set(_ index: Int, _ samples: [Double]) {
            lock.lock()
            parts[index] = samples
            lock.unlock()
        }

        func fail(_ reason: String) {
            lock.lock()
            failure = failure ?? reason
            lock.unlock()
        }

        var all: [Double] {
            lock.lock()
            defer { lock.unlock() }
            return parts.flatMap { $0 }
        }
    }
}
