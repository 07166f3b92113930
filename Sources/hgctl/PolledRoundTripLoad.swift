import Foundation
import HedgeGridRPC

#if canImport(Glibc)
import Glibc
#endif

extension RoundTripLoad {
    /// The event-driven driver: one thread serves every client connection through `poll`, the
    /// way load generators such as wrk or h2load drive many connections, so the generator costs
    /// no thread wake-up per answer and leaves the machine's cores to the daemon. Each connection
    /// still has one request in flight at a time (closed loop) or sends on its own schedule, and
    /// each latency runs from the request's write to its answer's arrival.
    func runPolled(descriptors: [Int32]) throws -> (samples: [Double], wall: Double) {
        var connections = descriptors.map { PolledConnection(fd: $0) }
        var pollSet = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let period = rate > 0 ? Double(connections.count) / rate : 0
        var samples: [Double] = []
        samples.reserveCapacity(connections.count * requests)

        func drive(count: Int, firstID: Int, timed: Bool) throws -> Double {
            let origin = Self.now()
            for index in connections.indices {
                connections[index].reset(
                    count: count, firstID: firstID, firstDue: origin + period * Double(index) / Double(connections.count))
            }
            var unfinished = count > 0 ? connections.count : 0
            while unfinished > 0 {
                let now = Self.now()
                var nextDue = Double.infinity
                for index in connections.indices where connections[index].waitingToSend {
                    if connections[index].due <= now {
                        if let error = connections[index].send(method: method, at: Self.now()) { throw Failure(description: error) }
                    } else {
                        nextDue = min(nextDue, connections[index].due)
                    }
                }
                let timeout = nextDue.isFinite ? Int32(max(0, ((nextDue - Self.now()) * 1e3).rounded(.up))) : -1
                let ready = poll(&pollSet, nfds_t(pollSet.count), timeout)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "poll failed: \(String(cString: strerror(errno)))")
                }
                guard ready > 0 else { continue }
                for index in pollSet.indices where pollSet[index].revents != 0 {
                    pollSet[index].revents = 0
                    switch connections[index].receive() {
                    case .failure(let failure):
                        throw failure
                    case .success(nil):
                        continue
                    case .success(let sentAt?):
                        if timed { samples.append((Self.now() - sentAt) * 1e3) }
                        connections[index].answered(period: period)
                        if connections[index].finished { unfinished -= 1 }
                    }
                }
            }
            return Self.now() - origin
        }

        _ = try drive(count: warmup, firstID: -1_000_000, timed: false)
        let wall = try drive(count: requests, firstID: 0, timed: true)
        return (samples, wall)
    }

    /// One client connection of the event-driven driver, with at most one request in flight.
    struct PolledConnection {
        let fd: Int32
        var decoder = FrameDecoder(maxFrameBytes: 64 << 20)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        /// Requests still to send.
        var remaining = 0
        /// When the next request is due (open loop); the past in a closed loop.
        var due = 0.0
        var nextID = 0
        /// The request in flight: its id and when it was written.
        var inFlight: (id: Int, sentAt: Double)?

        init(fd: Int32) {
            self.fd = fd
        }

        var waitingToSend: Bool { inFlight == nil && remaining > 0 }
        var finished: Bool { inFlight == nil && remaining == 0 }

        mutating func reset(count: Int, firstID: Int, firstDue: Double) {
            remaining = count
            nextID = firstID
            due = firstDue
        }

        /// Writes the next request; returns what went wrong, if anything.
        mutating func send(method: String, at time: Double) -> String? {
            if let error = RoundTripLoad.sendRequest(id: nextID, method: method, on: fd) { return error }
            inFlight = (nextID, time)
            nextID += 1
            remaining -= 1
            return nil
        }

        /// Reads what has arrived; the send time of the request in flight once its answer is complete.
        mutating func receive() -> Result<Double?, Failure> {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return .success(nil) }
            guard count > 0 else { return .failure(Failure(description: "the daemon closed the connection")) }
            decoder.append(buffer[0..<count])
            switch decoder.next() {
            case nil:
                return .success(nil)
            case .oversized?, .malformed?:
                return .failure(Failure(description: "a malformed answer"))
            case .frame(let body)?:
                guard let request = inFlight else {
                    return .failure(Failure(description: "an answer with no request in flight: \(String(decoding: body.prefix(200), as: UTF8.self))"))
                }
                if let problem = RoundTripLoad.problem(answer: body, id: request.id) { return .failure(Failure(description: problem)) }
                return .success(request.sentAt)
            }
        }

        /// Marks the request in flight answered and schedules the next one.
        mutating func answered(period: Double) {
            inFlight = nil
            due = period > 0 ? due + period : 0
        }
    }
}
