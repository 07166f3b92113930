import Foundation
import HedgeGridClient
import HedgeGridRPC

/// Waits for a job to end, drawing its `$/progress` as a bar on a terminal.
enum JobWaiter {
    static func wait(for jobID: String, client: RPCClient, showProgress: Bool) async -> JobInfo {
        let progressTask = Task {
            var bar = ProgressBar(enabled: showProgress && Console.stderrIsTerminal)
            for await notification in client.notifications {
                guard notification.method == MethodName.progress,
                    let params = try? notification.params?.decode(ProgressParams.self), params.token == jobID
                else { continue }
                bar.update(percentage: params.value.percentage, message: params.value.message)
                if params.value.kind == .end { break }
            }
            bar.finish()
        }
        let result = await Console.call(client, MethodName.jobWait, ["jobId": .string(jobID)])
        progressTask.cancel()
        _ = await progressTask.value
        return Console.decode(result, as: JobInfo.self)
    }

    /// Prints the job's outcome and exits non-zero when it did not succeed.
    static func report(_ info: JobInfo, json: Bool, quiet: Bool = false) {
        if json {
            Console.printJSON((try? JSONValue(encoding: info)) ?? .null)
        } else if !quiet {
            print("\(info.id) \(info.state.rawValue)" + (info.result.map { ": \($0.jsonText)" } ?? ""))
        }
        switch info.state {
        case .succeeded, .running:
            return
        case .failed:
            Console.fail("job \(info.id) failed: \(info.error?.message ?? "unknown error")")
        case .cancelled:
            Console.fail("job \(info.id) was cancelled")
        }
    }
}
