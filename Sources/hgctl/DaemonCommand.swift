import ArgumentParser
import Foundation
import HedgeGridClient
import HedgeGridRPC

/// `hgctl daemon start|stop`.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "Start or stop the per-user daemon.",
        subcommands: [Start.self, Stop.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the daemon unless one is running.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.connect()
            let status = Console.decode(await Console.call(client, MethodName.daemonStatus), as: DaemonStatus.self)
            if global.json {
                Console.printJSON(["pid": .int(Int64(status.pid)), "socket": .string(status.socketPath ?? "")])
            } else {
                print("hedgegridd is running (pid \(status.pid)) on \(status.socketPath ?? "stdio")")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the daemon (running jobs persist their state).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let launcher = DaemonLauncher(socketPath: global.socket)
            guard let client = try? launcher.connect(autostart: false) else {
                if global.json { Console.printJSON(["stopped": false, "running": false]) } else { print("no daemon is running on \(launcher.socketPath)") }
                return
            }
            let status = Console.decode(await Console.call(client, MethodName.daemonStatus), as: DaemonStatus.self)
            _ = await Console.call(client, MethodName.daemonStop)
            // Wait for the process to go away.
            let deadline = ContinuousClock.now + .seconds(30)
            while kill(Int32(status.pid), 0) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let stopped = kill(Int32(status.pid), 0) != 0
            if global.json {
                Console.printJSON(["stopped": .bool(stopped), "pid": .int(Int64(status.pid))])
            } else {
                print(stopped ? "hedgegridd (pid \(status.pid)) stopped" : "hedgegridd (pid \(status.pid)) is still stopping")
            }
            if !stopped { throw ExitCode(ExitCodes.failure) }
        }
    }
}
