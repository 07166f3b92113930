import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl test-job`: starts the daemon's internal test job and waits for it (for checks and demos).
struct TestJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-job", abstract: "Run the daemon's internal test job.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of steps.") var steps = 10
    @Option(name: .customLong("interval-ms"), help: "Milliseconds per step.") var intervalMs = 100
    @Flag(name: .customLong("no-wait"), help: "Print the job id and return at once.") var noWait = false

    func run() async throws {
        let client = try global.connect()
        let started = Console.decode(
            await Console.call(client, MethodName.testJob, ["steps": .int(Int64(steps)), "intervalMs": .int(Int64(intervalMs))]),
            as: JobStarted.self)
        if noWait {
            if global.json { Console.printJSON(["jobId": .string(started.jobId)]) } else { print(started.jobId) }
            return
        }
        let info = await JobWaiter.wait(for: started.jobId, client: client, showProgress: !global.json)
        JobWaiter.report(info, json: global.json)
    }
}
