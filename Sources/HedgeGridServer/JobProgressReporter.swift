import HedgeGridRPC

/// Lets a job's work report how far it has come.
public struct JobProgressReporter: Sendable {
    public let jobID: String
    let manager: JobManager

    /// Sends a `$/progress` report to the job's subscribers.
    public func report(percentage: Int? = nil, message: String? = nil) async {
        await manager.report(jobID, percentage: percentage, message: message)
    }
}
