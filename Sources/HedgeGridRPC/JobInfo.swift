import Foundation

/// The life of a job.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case running, succeeded, failed, cancelled

    public var isFinished: Bool { self != .running }
}

/// What the daemon knows about one job (`job/get`, `job/list`, `job/wait`).
public struct JobInfo: Codable, Sendable, Equatable {
    public var id: String
    /// The method that started it, e.g. `test/job`.
    public var kind: String
    public var title: String
    public var state: JobState
    public var percentage: Int?
    public var message: String?
    public var createdAt: Date
    public var finishedAt: Date?
    public var result: JSONValue?
    public var error: RPCError?

    public init(
        id: String, kind: String, title: String, state: JobState, percentage: Int? = nil, message: String? = nil,
        createdAt: Date, finishedAt: Date? = nil, result: JSONValue? = nil, error: RPCError? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.state = state
        self.percentage = percentage
        self.message = message
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.result = result
        self.error = error
    }
}

/// The immediate answer of a method that starts a job.
public struct JobStarted: Codable, Sendable {
    public var jobId: String

    public init(jobId: String) { self.jobId = jobId }
}

/// Params naming a job (`job/get`, `job/cancel`, `job/subscribe`).
public struct JobIDParams: Codable, Sendable {
    public var jobId: String

    public init(jobId: String) { self.jobId = jobId }
}

/// Params of `job/wait`.
public struct JobWaitParams: Codable, Sendable {
    public var jobId: String
    /// Give up after this many milliseconds and return the job as it is; nil waits for the end.
    public var timeoutMs: Int?

    public init(jobId: String, timeoutMs: Int? = nil) {
        self.jobId = jobId
        self.timeoutMs = timeoutMs
    }
}

/// Params of `test/job`: a job that counts `steps` steps, `intervalMs` apart.
public struct TestJobParams: Codable, Sendable {
    public var steps: Int
    public var intervalMs: Int
    /// Fail with an error at this step.
    public var failAtStep: Int?

    public init(steps: Int = 10, intervalMs: Int = 100, failAtStep: Int? = nil) {
        self.steps = steps
        self.intervalMs = intervalMs
        self.failAtStep = failAtStep
    }

    /// Absent fields take their defaults.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            steps: try container.decodeIfPresent(Int.self, forKey: .steps) ?? 10,
            intervalMs: try container.decodeIfPresent(Int.self, forKey: .intervalMs) ?? 100,
            failAtStep: try container.decodeIfPresent(Int.self, forKey: .failAtStep))
    }
}
