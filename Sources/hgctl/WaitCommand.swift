import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl wait JOB`: waits for a job, with a progress bar on a terminal.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait", abstract: "Wait for a job to end.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id, e.g. job-3.")
    var job: String

    func run() async throws {
        let client = try global.connect()
        _ = await Console.call(client, MethodName.jobSubscribe, ["jobId": .string(job)])
        let info = await JobWaiter.wait(for: job, client: client, showProgress: !global.json)
        JobWaiter.report(info, json: global.json)
    }
}
