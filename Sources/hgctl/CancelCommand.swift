import ArgumentParser
import Foundation
import HedgeGridRPC

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
