import ArgumentParser
import Foundation
import HedgeGridClient
import HedgeGridRPC

#if canImport(Glibc)
import Glibc
#endif

/// `hgctl bench ...`: benchmarks that print figures (build with `-c release` to measure).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark and print its figures.", subcommands: [RPC.self, BacktestBench.self, DataBench.self, OptimizeBench.self])

    /// Round-trip latency of `daemon/status` and the daemon's idle memory.
    struct RPC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rpc",
            abstract: "Round-trip latency of daemon/status with 1 and N concurrent clients, and the daemon's idle RSS.",
            discussion: "Without --socket it starts a private daemon on a temporary socket and stops it afterwards.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("clients"), help: "Comma-separated client counts.")
        var clientCounts = "1,32"

        @Option(help: "Requests per client.")
        var requests = 2000

        @Option(help: "Requests per client before measuring.")
        var warmup = 200

        @Option(help: "Total requests per second spread over the clients (open loop); 0 sends each next request as soon as the answer is in (closed loop, saturating).")
        var rate = 0.0

        @Option(help: "How the load generator drives its connections: 'polled' (one thread polls them all) or 'threads' (a blocking thread per connection).")
        var driver = "polled"

        @Option(help: "The method to call: daemon/status, or test/echo for the bare transport.")
        var method = MethodName.daemonStatus

        func run() async throws {
            let counts = clientCounts.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ (1...1024).contains($0) }), requests > 0 else {
                throw ValidationError("--clients needs counts in 1...1024 and --requests must be > 0")
            }
            guard let loadDriver = RoundTripLoad.Driver(rawValue: driver) else {
                throw ValidationError("--driver must be one of: \(RoundTripLoad.Driver.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let socket = global.socket ?? "/tmp/hgbench-\(getpid()).sock"
            let ownDaemon = global.socket == nil
            var environment = ProcessInfo.processInfo.environment
            let scratch = "/tmp/hgbench-\(getpid())"
            if ownDaemon {
                environment["HEDGEGRID_STATE_DIR"] = scratch + "/state"
                environment["HEDGEGRID_CACHE_DIR"] = scratch + "/cache"
            }
            let launcher = DaemonLauncher(socketPath: socket, environment: environment)
            let first: RPCClient
            do {
                first = try launcher.connect(autostart: true)
            } catch {
                Console.fail("\(error)", code: ExitCodes.unreachable)
            }
            let status = Console.decode(await Console.call(first, MethodName.daemonStatus), as: DaemonStatus.self)
            try await Task.sleep(for: .milliseconds(300))
            let idleRSS = Self.residentMegabytes(pid: status.pid)

            var results: [JSONValue] = []
            for count in counts {
                let cpuBefore = Self.cpuSeconds(pid: status.pid)
                let machineBefore = MachineTimes.now()
                let load = RoundTripLoad(socketPath: socket, method: method, clients: count, requests: requests, warmup: warmup, rate: rate, driver: loadDriver)
                let latencies: (samples: [Double], wall: Double)
                do {
                    latencies = try await Task.detached { try load.run() }.value
                } catch {
                    Console.fail("\(error)")
                }
                let wall = latencies.wall
                let cpuAfter = Self.cpuSeconds(pid: status.pid)
                let steal = MachineTimes.now().flatMap { after in machineBefore.map { after.stealShare(since: $0) } }
                let sorted = latencies.samples.sorted()
                func percentile(_ p: Double) -> Double {
                    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
                }
                let row: [String: JSONValue] = [
                    "clients": .int(Int64(count)), "requests": .int(Int64(sorted.count)),
                    "p50Ms": .double(percentile(0.50)), "p90Ms": .double(percentile(0.90)),
                    "p99Ms": .double(percentile(0.99)), "maxMs": .double(sorted.last ?? 0),
                    "requestsPerSecond": .double(Double(sorted.count) / wall),
                    // Includes the warm-up requests, a small overestimate.
                    "daemonCpuMicrosecondsPerRequest": (cpuBefore != nil && cpuAfter != nil)
                        ? .double((cpuAfter! - cpuBefore!) * 1e6 / Double(count * (requests + warmup))) : .null,
                    // CPU time the hypervisor gave to other guests while this ran (a shared VM's noise).
                    "machineStealPercent": steal.map { .double($0 * 100) } ?? .null,
                ]
                results.append(.object(row))
            }
            let loadedRSS = Self.residentMegabytes(pid: status.pid)
            if ownDaemon {
                _ = try? await first.call(MethodName.daemonStop)
                // The private daemon's state and log go once it has gone.
                for _ in 0..<100 where kill(pid_t(status.pid), 0) == 0 { try? await Task.sleep(for: .milliseconds(20)) }
                try? FileManager.default.removeItem(atPath: scratch)
            }
            let report: JSONValue = [
                "method": .string(method), "driver": .string(driver), "rate": rate > 0 ? .double(rate) : "closed-loop", "daemonPid": .int(Int64(status.pid)),
                "idleRssMB": idleRSS.map { .double($0) } ?? .null,
                "rssAfterLoadMB": loadedRSS.map { .double($0) } ?? .null,
                "results": .array(results),
            ]
            if global.json {
                Console.printJSON(report)
                return
            }
            var table = TextTable(["CLIENTS", "REQUESTS", "P50 MS", "P90 MS", "P99 MS", "MAX MS", "REQ/S", "DAEMON CPU US/REQ", "STEAL %"])
            for case .object(let row) in results {
                func number(_ key: String, _ format: String) -> String { String(format: format, row[key]?.doubleValue ?? 0) }
                table.add([
                    "\(row["clients"]?.intValue ?? 0)", "\(row["requests"]?.intValue ?? 0)",
                    number("p50Ms", "%.3f"), number("p90Ms", "%.3f"), number("p99Ms", "%.3f"), number("maxMs", "%.3f"),
                    number("requestsPerSecond", "%.0f"), number("daemonCpuMicrosecondsPerRequest", "%.1f"),
                    number("machineStealPercent", "%.0f"),
                ])
            }
            print("\(method) round trips (pid \(status.pid), \(driver) load generator, \(rate > 0 ? String(format: "open loop at %.0f req/s in total", rate) : "closed loop: each client sends its next request when the answer is in"))")
            print(table.rendered)
            print(String(format: "daemon RSS idle: %.1f MB; after load: %.1f MB", idleRSS ?? -1, loadedRSS ?? -1))
        }

        /// User plus system CPU time of a process, in seconds, from /proc.
        static func cpuSeconds(pid: Int) -> Double? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        /// VmRSS of a process, in MB, from /proc.
        static func residentMegabytes(pid: Int) -> Double? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
            for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes / 1024 }
            }
            return nil
        }
    }
}
