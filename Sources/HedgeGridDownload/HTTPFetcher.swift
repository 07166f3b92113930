import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GET requests with the retry rules Binance asks for: 5xx and network errors are retried with
/// jittered exponential backoff (a bounded number of times), 429 waits `Retry-After` (or backs
/// off) and retries, 418 stops with the ban's end. Every wait is reported.
public struct HTTPFetcher: Sendable {
    /// A response.
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        public var headers: [String: String]
    }

    /// Why a fetch failed for good.
    public struct FetchError: Error, CustomStringConvertible, Sendable {
        public var url: String
        public var reason: String
        public var description: String { "\(url): \(reason)" }
    }

    public var maxAttempts: Int
    public var baseDelay: Duration
    public var timeout: TimeInterval
    /// Told about every wait: the URL, the reason and how long.
    public var onWait: @Sendable (String, String, Duration) -> Void

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), timeout: TimeInterval = 30, onWait: @escaping @Sendable (String, String, Duration) -> Void = { _, _, _ in }) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.timeout = timeout
        self.onWait = onWait
    }

    /// Fetches `url`; 200 and 404 are answers (404 marks a file the archive does not have).
    public func get(_ url: URL) async throws -> Response {
        var lastProblem = ""
        for attempt in 1...maxAttempts {
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
            request.httpMethod = "GET"
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeout
            let session = URLSession(configuration: configuration)
            defer { session.finishTasksAndInvalidate() }
            do {
                let (body, response) = try await session.data(for: request)
                guard let http = response as? HTTPURLResponse else {
                    throw FetchError(url: url.absoluteString, reason: "not an HTTP response")
                }
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
                }
                if let length = headers["content-length"].flatMap(Int.init), length != body.count {
                    lastProblem = "connection closed after \(body.count) of \(length) bytes"
                } else {
                    switch http.statusCode {
                    case 200, 404:
                        return Response(status: http.statusCode, body: body, headers: headers)
                    case 418:
                        // Binance says until when in Retry-After and in the body ("IP banned until <ms>").
                        let until = headers["retry-after"].map { "; retry after \($0) s" } ?? ""
                        let message = String(decoding: body.prefix(300), as: UTF8.self)
                        throw FetchError(url: url.absoluteString, reason: "HTTP 418: this IP is banned by Binance\(until); stopping this source\(message.isEmpty ? "" : " (\(message))")")
                    case 429:
                        let wait = headers["retry-after"].flatMap(Double.init).map { Duration.milliseconds(Int64($0 * 1000)) } ?? backoff(attempt)
                        onWait(url.absoluteString, "HTTP 429 rate limit", wait)
                        try await Task.sleep(for: wait)
                        continue
                    case 500...599:
                        lastProblem = "HTTP \(http.statusCode)"
                    default:
                        throw FetchError(url: url.absoluteString, reason: "HTTP \(http.statusCode)")
                    }
                }
            } catch let error as FetchError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "network error: \(error.localizedDescription)"
            }
            guard attempt < maxAttempts else { break }
            let wait = backoff(attempt)
            onWait(url.absoluteString, lastProblem, wait)
            try await Task.sleep(for: wait)
        }
        throw FetchError(url: url.absoluteString, reason: "\(lastProblem) (gave up after \(maxAttempts) attempts)")
    }

    /// base * 2^(attempt-1), with up to 50% jitter.
    func backoff(_ attempt: Int) -> Duration {
        let base = baseDelay * (1 << min(attempt - 1, 10))
        return base + base * Double.random(in: 0..<0.5)
    }
}
