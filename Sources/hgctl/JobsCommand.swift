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
