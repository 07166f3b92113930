import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl status`: the daemon's version, paths, jobs and clients.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's status.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let client = try global.connect()
        let result = await Console.call(client, MethodName.daemonStatus)
        if global.json {
            Console.printJSON(result)
            return
        }
        let status = Console.decode(result, as: DaemonStatus.self)
        var table = TextTable(["", ""])
        table.rows = [
            ["daemon", "\(status.name) \(status.version) (pid \(status.pid), \(status.mode) mode)"],
            ["uptime", String(format: "%.1f s", status.uptimeSeconds)],
            ["socket", (status.socketPath ?? "stdio") + (status.socketActivated ? " (socket-activated)" : "")],
            ["state", status.stateDirectory],
            ["cache", status.cacheDirectory],
            ["jobs", "\(status.jobs.running) running, \(status.jobs.finished) finished"],
            ["clients", "\(status.clients.count) connected"],
        ]
        print(table.rendered.split(separator: "\n").dropFirst().joined(separator: "\n"))
    }
}
