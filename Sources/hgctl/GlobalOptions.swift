import ArgumentParser
import Foundation
import HedgeGridClient
import HedgeGridRPC

#if canImport(Glibc)
import Glibc
#endif

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's socket (default: HEDGEGRID_SOCKET, else the per-user socket).")
    var socket: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout and nothing else there.")
    var json = false

    /// Connects to the daemon, starting one when nothing listens; says so once on stderr.
    func connect(autostart: Bool = true) throws -> RPCClient {
        let launcher = DaemonLauncher(socketPath: socket)
        do {
            return try launcher.connect(autostart: autostart) { pid, path in
                Console.note("started hedgegridd (pid \(pid)) on \(path); log: \(launcher.logPath)")
            }
        } catch {
            Console.fail("\(error)", code: ExitCodes.unreachable)
        }
    }
}
