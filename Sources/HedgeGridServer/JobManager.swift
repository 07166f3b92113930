import Foundation
import HedgeGridRPC
import Logging

/// Runs long work as jobs: each gets an id at once, reports `$/progress` to its subscribers,
/// can be listed, waited for and cancelled, and outlives the client that started it.
public actor JobManager {
    /// Sends a notification to one session.
    public typealias Notifier = @Sendable (_ sessionID: Int, _ method: String, _ params: JSONValue) -> Void
    /// The work of a job: returns the job's result, or throws.
    public typealias Body = @Sendable (JobProgressReporter) async throws -> JSONValue

    private struct Record {
        var info: JobInfo
        var task: Task<Void, Never>?
        var subscribers: Set<Int>
        var waiters: [UUID: CheckedContinuation<JobInfo, Never>] = [:]
    }

    /// Finished jobs kept for `job/get` and `job/list`; the oldest finished ones go first.
    public let retainedFinishedJobs: Int
    private var records: [String: Record] = [:]
    private var order: [String] = []
    private var nextNumber = 1
    private var acceptingJobs = true
    private let notifier: Notifier
    private let logger: Logger

    public init(retainedFinishedJobs: Int = 1000, logger: Logger, notifier: @escaping Notifier) {
        self.retainedFinishedJobs = retainedFinishedJobs
        self.logger = logger
        self.notifier = notifier
    }

    /// Starts a job; `owner` (the session that asked) is subscribed to its progress.
    public func start(kind: String, title: String, owner: Int?, body: @escaping Body) throws -> JobInfo {
        guard acceptingJobs else { throw RPCError.shuttingDown }
        let id = "job-\(nextNumber)"
        nextNumber += 1
        let info = JobInfo(id: id, kind: kind, title: title, state: .running, percentage: 0, createdAt: Date())
        records[id] = Record(info: info, task: nil, subscribers: owner.map { [$0] } ?? [])
        order.append(id)
        send(id, .progress, ProgressParams(token: id, value: WorkDoneProgress(kind: .begin, title: title, cancellable: true, percentage: 0)))
        let reporter = JobProgressReporter(jobID: id, manager: self)
        records[id]?.task = Task {
            let outcome: Result<JSONValue, Error>
            do {
                outcome = .success(try await body(reporter))
            } catch {
                outcome = .failure(error)
            }
            self.finish(id, outcome: outcome, cancelled: Task.isCancelled)
        }
        logger.info("job started", metadata: ["job": "\(id)", "kind": "\(kind)"])
        trimFinished()
        updateCounts()
        return info
    }

    /// The job's current state.
    public func info(_ id: String) throws -> JobInfo {
        guard let record = records[id] else { throw RPCError.jobNotFound(id) }
        return record.info
    }

    /// Every job still known, oldest first.
    public func list() -> [JobInfo] {
        order.compactMap { records[$0]?.info }
    }

    /// Counts of running and finished jobs, readable without waiting for the actor.
    public nonisolated var counts: DaemonStatus.JobCounts {
        countsSnapshot.withLock { $0 }
    }

    private nonisolated let countsSnapshot = LockedBox(DaemonStatus.JobCounts(running: 0, finished: 0))
    private nonisolated let countsObserver = LockedBox<(@Sendable (DaemonStatus.JobCounts) -> Void)?>(nil)

    /// Calls `observer` whenever a job starts or ends (the daemon turns it into a systemd STATUS line).
    public nonisolated func onCountsChanged(_ observer: @escaping @Sendable (DaemonStatus.JobCounts) -> Void) {
        countsObserver.withLock { $0 = observer }
    }

    private func updateCounts() {
        let running = records.values.filter { $0.info.state == .running }.count
        let counts = DaemonStatus.JobCounts(running: running, finished: records.count - running)
        countsSnapshot.withLock { $0 = counts }
        countsObserver.withLock { $0 }?(counts)
    }

    /// Asks a running job to stop; it ends as `cancelled` once its work notices.
    public func cancel(_ id: String) throws -> JobInfo {
        guard let record = records[id] else { throw RPCError.jobNotFound(id) }
        record.task?.cancel()
        return record.info
    }

    /// Sends the job's future `$/progress` and `job/finished` notifications to `sessionID` too.
    public func subscribe(_ id: String, sessionID: Int) throws -> JobInfo {
        guard records[id] != nil else { throw RPCError.jobNotFound(id) }
        records[id]?.subscribers.insert(sessionID)
        return records[id]!.info
    }

    /// Forgets a session that went away; its jobs go on.
    public func unsubscribeAll(sessionID: Int) {
        for id in records.keys {
            records[id]?.subscribers.remove(sessionID)
        }
    }

    /// Returns once the job has finished, or after `timeout` with the job as it then is.
    /// Throws `CancellationError` when the waiting request is cancelled (the job goes on).
    public func wait(_ id: String, timeout: Duration?) async throws -> JobInfo {
        guard let record = records[id] else { throw RPCError.jobNotFound(id) }
        if record.info.state.isFinished { return record.info }
        let token = UUID()
        let timer = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.releaseWaiter(id, token)
            }
        }
        defer { timer?.cancel() }
        let info = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled, let current = records[id]?.info {
                    continuation.resume(returning: current)
                } else {
                    records[id]?.waiters[token] = continuation
                }
            }
        } onCancel: {
            Task { await self.releaseWaiter(id, token) }
        }
        try Task.checkCancellation()
        return info
    }

    /// Refuses new jobs, cancels the running ones and waits up to `grace` for them to end.
    public func shutdown(grace: Duration) async {
        acceptingJobs = false
        let running = records.values.filter { $0.info.state == .running }.map(\.info.id)
        for id in running { records[id]?.task?.cancel() }
        for id in running {
            _ = try? await wait(id, timeout: grace)
        }
    }

    func report(_ id: String, percentage: Int?, message: String?) {
        guard var record = records[id], record.info.state == .running else { return }
        if let percentage { record.info.percentage = max(0, min(100, percentage)) }
        if let message { record.info.message = message }
        records[id] = record
        send(id, .progress, ProgressParams(token: id, value: WorkDoneProgress(kind: .report, message: message, percentage: record.info.percentage)))
    }

    private func finish(_ id: String, outcome: Result<JSONValue, Error>, cancelled: Bool) {
        guard var record = records[id] else { return }
        switch outcome {
        case .success(let value):
            record.info.state = .succeeded
            record.info.result = value
            record.info.percentage = 100
        case .failure(let error) where cancelled || error is CancellationError:
            record.info.state = .cancelled
            record.info.error = .requestCancelled
        case .failure(let error as RPCError):
            record.info.state = .failed
            record.info.error = error
        case .failure(let error):
            record.info.state = .failed
            record.info.error = RPCError(code: RPCError.internalErrorCode, message: String(describing: error))
        }
        record.info.finishedAt = Date()
        let waiters = record.waiters
        record.waiters = [:]
        record.task = nil
        records[id] = record
        updateCounts()
        let endMessage = record.info.state == .failed
            ? "failed: \(record.info.error?.message ?? "unknown error")" : record.info.state.rawValue
        send(id, .progress, ProgressParams(token: id, value: WorkDoneProgress(kind: .end, message: endMessage, percentage: record.info.percentage)))
        send(id, .finished, record.info)
        for waiter in waiters.values { waiter.resume(returning: record.info) }
        logger.info("job ended", metadata: ["job": "\(id)", "state": "\(record.info.state.rawValue)"])
    }

    private func releaseWaiter(_ id: String, _ token: UUID) {
        guard let continuation = records[id]?.waiters.removeValue(forKey: token), let info = records[id]?.info else { return }
        continuation.resume(returning: info)
    }

    private enum Notification {
        case progress, finished

        var method: String {
            switch self {
            case .progress: return MethodName.progress
            case .finished: return MethodName.jobFinished
            }
        }
    }

    private func send(_ id: String, _ kind: Notification, _ params: some Encodable) {
        guard let subscribers = records[id]?.subscribers, !subscribers.isEmpty,
            let value = try? JSONValue(encoding: params)
        else { return }
        for sessionID in subscribers.sorted() {
            notifier(sessionID, kind.method, value)
        }
    }

    private func trimFinished() {
        let finished = order.filter { records[$0]?.info.state.isFinished == true }
        guard finished.count > retainedFinishedJobs else { return }
        let drop = Set(finished.prefix(finished.count - retainedFinishedJobs))
        for id in drop { records.removeValue(forKey: id) }
        order.removeAll { drop.contains($0) }
    }
}
