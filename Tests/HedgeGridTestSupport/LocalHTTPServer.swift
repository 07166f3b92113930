import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) serving fixed answers by path, with
/// fault modes, and counting the requests it gets. For download tests; it never leaves loopback.
public final class LocalHTTPServer: @unchecked Sendable {
    /// What a path answers.
    public enum Answer: Sendable {
        case ok(Data)
        case status(Int, headers: [String: String] = [:], body: Data = Data())
        /// Sends the headers and half the body, then drops the connection.
        case resetMidBody(Data)
        /// Waits before answering.
        case slow(Duration, Data)
        /// Answers from a list, one entry per request, the last one repeating.
        case sequence([Answer])
    }

    public private(set) var port: UInt16 = 0
    private let listener: Int32
    private let lock = NSLock()
    private var answers: [String: Answer] = [:]
    private var handlers: [String: @Sendable ([String: String]) -> Answer] = [:]
    private var counts: [String: Int] = [:]
    private var stopped = false

    public init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw TestFailure("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    public func set(_ path: String, _ answer: Answer) {
        lock.lock()
        answers[path] = answer
        lock.unlock()
    }

    /// Answers `path` from its query parameters (for REST endpoints).
    public func handle(_ path: String, _ handler: @escaping @Sendable ([String: String]) -> Answer) {
        lock.lock()
        handlers[path] = handler
        lock.unlock()
    }

    /// Requests received for `path` (or all paths).
    public func requests(_ path: String? = nil) -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard let path else { return counts.values.reduce(0, +) }
        return counts[path] ?? 0
    }

    public func stop() {
        lock.lock()
        let wasRunning = !stopped
        stopped = true
        lock.unlock()
        if wasRunning {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                continue
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var request = Data()
        while !request.contains(Data("\r\n\r\n".utf8)) {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            request.append(contentsOf: buffer[0..<count])
        }
        let line = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let target = parts[1].split(separator: "?", maxSplits: 1)
        let path = String(target.first ?? "")
        var query: [String: String] = [:]
        if target.count > 1 {
            for pair in target[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                if keyValue.count == 2 { query[String(keyValue[0])] = String(keyValue[1]).removingPercentEncoding }
            }
        }
        lock.lock()
        let number = counts[path, default: 0]
        counts[path] = number + 1
        let handler = handlers[path]
        var answer = answers[path] ?? .status(404, body: Data("not found".utf8))
        if let handler {
            lock.unlock()
            answer = handler(query)
            lock.lock()
        }
        if case .sequence(let list) = answer { answer = list[min(number, list.count - 1)] }
        lock.unlock()
        respond(client, answer)
    }

    private func respond(_ client: Int32, _ answer: Answer) {
        switch answer {
        case .ok(let body):
            send(client, status: 200, headers: [:], body: body)
        case .status(let code, let headers, let body):
            send(client, status: code, headers: headers, body: body)
        case .resetMidBody(let body):
            send(client, status: 200, headers: [:], body: body, cutAfter: body.count / 2)
        case .slow(let delay, let body):
            // Waits in small steps, and gives up when the server stops, so no test waits for it.
            let deadline = ContinuousClock.now + delay
            while ContinuousClock.now < deadline {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                Thread.sleep(forTimeInterval: 0.02)
            }
            send(client, status: 200, headers: [:], body: body)
        case .sequence:
            send(client, status: 500, headers: [:], body: Data())
        }
    }

    private func send(_ client: Int32, status: Int, headers: [String: String], body: Data, cutAfter: Int? = nil) {
        var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (key, value) in headers { head += "\(key): \(value)\r\n" }
        head += "\r\n"
        var bytes = Data(head.utf8)
        bytes.append(body.prefix(cutAfter ?? body.count))
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
        if cutAfter != nil {
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        }
    }
}
