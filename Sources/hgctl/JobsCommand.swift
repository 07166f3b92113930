import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl jobs`: every job the daemon knows.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List the daemon's jobs.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let client = try global.connect()
        let result = await Console.call(client, MethodName.jobList)
        if global.json {
            Console.printJSON(result)
            return
        }
        struct Listing: Decodable { var jobs: [JobInfo] }
        let listing = Console.decode(result, as: Listing.self)
        guard !listing.jobs.isEmpty else {
            print("no jobs")
            return
        }
        var table = TextTable(["JOB", "KIND", "STATE", "PROGRESS", "MESSAGE"])
        for job in listing.jobs {
            table.add([job.id, job.kind, job.state.rawValue, job.percentage.map { "\($0)%" } ?? "", job.error?.message ?? job.message ?? ""])
        }
        print(table.rendered)
    }
}

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

/// `hgctl cancel JOB`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a running job.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id, e.g. job-3.")
    var job: String

    func run() async throws {
        let client = try global.connect()
        let result = await Console.call(client, MethodName.jobCancel, ["jobId": .string(job)])
        if global.json {
            Console.printJSON(result)
        } else {
            print("cancel requested for \(job)")
        }
    }
}

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
