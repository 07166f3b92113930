import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hgctl binary end to end: auto-start, JSON output, exit codes.
@Suite struct HGCtlCommandTests {
    /// An environment with private paths, so the test's daemon is its own.
    struct Sandbox {
        let scratch = Scratch()
        var environment: [String: String?] {
            [
                "HEDGEGRID_SOCKET": scratch.socket, "HEDGEGRID_STATE_DIR": scratch.file("state"),
                "HEDGEGRID_CACHE_DIR": scratch.file("cache"), "HEDGEGRID_DAEMON": Products.daemon,
            ]
        }

        func hgctl(_ arguments: String...) throws -> ProcessRunner.Outcome {
            try ProcessRunner.run(Products.hgctl, arguments, environment: environment)
        }

        func json(_ outcome: ProcessRunner.Outcome) throws -> JSONValue {
            try JSONParser.parse(Data(outcome.stdout.utf8))
        }

        /// Stops whatever daemon the test started.
        func cleanUp() {
            if let outcome = try? hgctl("status", "--json"), let status = try? json(outcome), let pid = status["pid"]?.intValue {
                kill(Int32(pid), SIGKILL)
            }
            scratch.remove()
        }
    }

    @Test func statusStartsADaemonOnceAndPrintsJSON() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let first = try sandbox.hgctl("status", "--json")
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("started hedgegridd"))
        let status = try sandbox.json(first)
        #expect(status["socketPath"]?.stringValue == sandbox.scratch.socket)
        #expect(status["stateDirectory"]?.stringValue == sandbox.scratch.file("state"))
        let pid = try #require(status["pid"]?.intValue)
        let second = try sandbox.hgctl("status", "--json")
        #expect(second.status == 0)
        #expect(second.stderr.isEmpty)
        #expect(try sandbox.json(second)["pid"]?.intValue == pid)
    }

    @Test func humanStatusIsATable() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let outcome = try sandbox.hgctl("status")
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("socket   \(sandbox.scratch.socket)"))
        #expect(outcome.stdout.contains("jobs     0 running, 0 finished"))
    }

    @Test func daemonStopStopsIt() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let started = try sandbox.json(try sandbox.hgctl("status", "--json"))
        let pid = try #require(started["pid"]?.intValue)
        let stop = try sandbox.hgctl("daemon", "stop", "--json")
        #expect(stop.status == 0)
        #expect(try sandbox.json(stop)["stopped"] == true)
        #expect(kill(Int32(pid), 0) != 0)
        #expect(!FileManager.default.fileExists(atPath: sandbox.scratch.socket))
        let again = try sandbox.hgctl("daemon", "stop")
        #expect(again.status == 0)
        #expect(again.stdout.contains("no daemon is running"))
    }

    @Test func testJobRunsToTheEndAndJobsListsIt() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let run = try sandbox.hgctl("test-job", "--steps", "3", "--interval-ms", "10", "--json")
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let info = try sandbox.json(run)
        #expect(info["state"] == "succeeded")
        let jobs = try sandbox.json(try sandbox.hgctl("jobs", "--json"))
        #expect(jobs["jobs"]?.arrayValue?.first?["id"] == info["id"])
        let table = try sandbox.hgctl("jobs")
        #expect(table.stdout.contains("JOB"))
        #expect(table.stdout.contains("succeeded"))
    }

    @Test func cancelAndWaitOnARunningJob() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let started = try sandbox.json(try sandbox.hgctl("test-job", "--steps", "1000", "--interval-ms", "50", "--no-wait", "--json"))
        let jobID = try #require(started["jobId"]?.stringValue)
        let cancel = try sandbox.hgctl("cancel", jobID)
        #expect(cancel.status == 0)
        let wait = try sandbox.hgctl("wait", jobID, "--json")
        #expect(wait.status == 1)
        #expect(try sandbox.json(wait)["state"] == "cancelled")
        #expect(wait.stderr == "hgctl: job \(jobID) was cancelled\n")
    }

    @Test func daemonErrorIsOneLineAndExitCodeOne() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        let outcome = try sandbox.hgctl("cancel", "job-404")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.hasSuffix("hgctl: no job with id 'job-404'\n"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func unreachableDaemonIsExitCodeTwo() throws {
        let sandbox = Sandbox()
        defer { sandbox.cleanUp() }
        var environment = sandbox.environment
        environment["HEDGEGRID_DAEMON"] = "/bin/false"
        let outcome = try ProcessRunner.run(Products.hgctl, ["status"], environment: environment)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("hedgegridd exited during start-up"))
    }

    @Test func usageErrorIsExitCode64() throws {
        let outcome = try ProcessRunner.run(Products.hgctl, ["status", "--no-such-flag"])
        #expect(outcome.status == 64)
    }
}

/// `hgctl backtest` on the bundled configs.
@Suite struct HGCtlBacktestTests {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test func printsTheSummaryAndWritesTheReport() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let output = sandbox.scratch.file("reports")
        let outcome = try ProcessRunner.run(
            Products.hgctl,
            ["backtest", "--strategy-config", Self.root + "/configs/strategies/hedge_grid_v1.yaml",
             "--backtest-config", Self.root + "/configs/backtest/near_2025_09.yaml", "--run-id", "cli", "--output-dir", output],
            environment: sandbox.environment)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        for label in ["total return", "CAGR", "Sharpe", "Sortino", "Calmar", "max drawdown", "round trips", "win rate", "profit factor", "fees paid", "funding paid", "liquidations"] {
            #expect(outcome.stdout.contains(label), "missing \(label)")
        }
        #expect(outcome.stdout.contains("report: \(output)/cli/"))
        for name in ["summary.json", "orders.csv", "fills.csv", "trades.csv", "equity.csv"] {
            #expect(FileManager.default.fileExists(atPath: "\(output)/cli/\(name)"))
        }
    }

    @Test func jsonOutputAndBadConfigExitCode() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let output = sandbox.scratch.file("reports")
        let json = try ProcessRunner.run(
            Products.hgctl,
            ["backtest", "--json", "--strategy-config", Self.root + "/configs/strategies/hedge_grid_v1.yaml",
             "--backtest-config", Self.root + "/configs/backtest/near_2025_09.yaml", "--run-id", "j", "--output-dir", output],
            environment: sandbox.environment)
        #expect(json.status == 0)
        let value = try JSONParser.parse(Data(json.stdout.utf8))
        #expect(value["run_id"] == "j")
        let bad = try ProcessRunner.run(
            Products.hgctl,
            ["backtest", "--strategy-config", Self.root + "/configs/backtest/near_2025_09.yaml",
             "--backtest-config", Self.root + "/configs/backtest/near_2025_09.yaml", "--output-dir", output],
            environment: sandbox.environment)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("hgctl: invalid config: "))
        #expect(bad.stderr.contains("grid.grid_step_bps: missing"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }
}

/// The progress bar, drawn only on a terminal (`script` gives hgctl a pseudo-terminal).
@Suite struct HGCtlProgressBarTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script (util-linux) is not installed"))
    func barIsDrawnOnATerminalAndNotOtherwise() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let command = "\(Products.hgctl) test-job --steps 4 --interval-ms 30"
        let onTerminal = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: sandbox.environment)
        #expect(onTerminal.status == 0)
        #expect(onTerminal.stdout.contains("[##############################] 100% step 4 of 4"))
        #expect(onTerminal.stdout.contains("\u{1B}[K"))
        let piped = try sandbox.hgctl("test-job", "--steps", "4", "--interval-ms", "30")
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("[#"))
        #expect(piped.stdout.hasPrefix("job-"))
    }
}

/// `hgctl data import|list`.
@Suite struct HGCtlDataTests {
    @Test func importsAndListsWithOutput() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let output = sandbox.scratch.file("catalog")
        let imported = try sandbox.hgctl("data", "import", HGCtlBacktestTests.root + "/data/bundled/NEARUSDT-fundingRate-2025-09_2025-11.csv", "--output", output)
        #expect(imported.status == 0, "stderr: \(imported.stderr)")
        #expect(imported.stdout.contains("273 new rows in \(output)"))
        let listed = try sandbox.hgctl("data", "list", "--output", output, "--json")
        let value = try JSONParser.parse(Data(listed.stdout.utf8))
        #expect(value["coverage"]?.arrayValue?.first?["kind"] == "funding")
        let bad = try sandbox.hgctl("data", "import", "/no/such/NEARUSDT-1m-2025-01.zip", "--output", output)
        #expect(bad.status == 1)
        #expect(bad.stderr == "hgctl: /no/such/NEARUSDT-1m-2025-01.zip: no such file\n")
    }
}

/// `hgctl data verify|delete`.
@Suite struct HGCtlDataMaintenanceTests {
    @Test func verifyExitsOneOnAGapAndDeleteEmptiesTheCatalog() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let output = sandbox.scratch.file("catalog")
        let bundled = HGCtlBacktestTests.root + "/data/bundled/"
        let imported = try sandbox.hgctl("data", "import", bundled + "NEARUSDT-1m-2025-09.zip", bundled + "NEARUSDT-1m-2025-11.zip", "--output", output)
        #expect(imported.status == 0, "stderr: \(imported.stderr)")
        let bad = try sandbox.hgctl("data", "verify", "--symbol", "NEARUSDT", "--output", output)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("last gap: 2025-10-01T00:00:00Z .. 2025-11-01T00:00:00Z 44640 missing minutes"))
        let good = try sandbox.hgctl("data", "verify", "--symbol", "NEARUSDT", "--start", "2025-09-01", "--end", "2025-10-01", "--output", output)
        #expect(good.status == 0, "stdout: \(good.stdout) stderr: \(good.stderr)")
        #expect(good.stdout.hasSuffix("ok\n"))
        let deleted = try sandbox.hgctl("data", "delete", "--symbol", "NEARUSDT", "--output", output)
        #expect(deleted.stdout == "86400 rows removed\n")
        let none = try sandbox.hgctl("data", "verify", "--symbol", "NEARUSDT", "--output", output)
        #expect(none.status == 1)
        #expect(none.stderr.contains("no data for NEARUSDT"))
        let badDate = try sandbox.hgctl("data", "verify", "--symbol", "NEARUSDT", "--start", "soon", "--output", output)
        #expect(badDate.status == 64)
    }
}

/// `hgctl data download` against a local server in Binance's archive layout.
@Suite struct HGCtlDownloadTests {
    @Test func downloadsOnceThenSkips() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let server = try LocalHTTPServer()
        let zipPath = HGCtlBacktestTests.root + "/data/bundled/NEARUSDT-1m-2025-09.zip"
        let path = "/data/futures/um/monthly/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09.zip"
        server.set(path, .ok(try Data(contentsOf: URL(fileURLWithPath: zipPath))))
        let hash = try ProcessRunner.run("/usr/bin/sha256sum", [zipPath]).stdout.split(separator: " ").first.map(String.init) ?? ""
        server.set(path + ".CHECKSUM", .ok(Data("\(hash)  NEARUSDT-1m-2025-09.zip\n".utf8)))
        let output = sandbox.scratch.file("catalog")
        let arguments = ["data", "download", "--source", "binance", "--symbol", "NEARUSDT", "--start", "2025-09-01", "--end", "2025-10-01",
                         "--data-types", "last", "--mode", "bulk", "--bulk-url", server.baseURL.absoluteString, "--output", output]
        let first = try ProcessRunner.run(Products.hgctl, arguments, environment: sandbox.environment)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("downloaded 1 files"))
        #expect(first.stdout.contains("43200 new rows"))
        let requests = server.requests()
        let second = try ProcessRunner.run(Products.hgctl, arguments, environment: sandbox.environment)
        #expect(second.status == 0)
        #expect(second.stdout.contains("downloaded 0 files"))
        #expect(second.stdout.contains("skipped 1 already in the catalog"))
        #expect(server.requests() == requests)
        let badMode = try ProcessRunner.run(Products.hgctl, arguments + ["--mode", "ftp"], environment: sandbox.environment)
        #expect(badMode.status == 1)
        #expect(badMode.stderr.contains("field 'mode' must be auto, bulk or rest (got 'ftp')"))
    }
}

/// `--mode auto`: what the archives lack comes from the REST API.
@Suite struct HGCtlAutoDownloadTests {
    @Test func restFillsWhatTheArchiveDoesNotHave() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let bulk = try LocalHTTPServer()  // has nothing: every archive file is a 404
        let rest = try LocalHTTPServer()
        let bars = try MarketDataFile.bars(from: [HGCtlBacktestTests.root + "/data/bundled/NEARUSDT-1m-2025-09.zip"])
        rest.handle("/fapi/v1/klines") { query in
            let start = Int64(query["startTime"] ?? "0") ?? 0
            let end = Int64(query["endTime"] ?? "") ?? .max
            var rows: [String] = []
            var index = bars.openTimes.firstIndex(atOrAfter: start)
            while index < bars.count && bars.openTimes[index] <= end && rows.count < 1_500 {
                let open = bars.openTimes[index]
                rows.append("[\(open),\"\(bars.open[index])\",\"\(bars.high[index])\",\"\(bars.low[index])\",\"\(bars.close[index])\",\"1\",\(open + 59_999),\"1\",1,\"1\",\"1\",\"0\"]")
                index += 1
            }
            return .ok(Data("[\(rows.joined(separator: ","))]".utf8))
        }
        rest.set("/fapi/v1/exchangeInfo", .ok(Data(#"{"symbols":[{"symbol":"NEARUSDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.001"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"}]}]}"#.utf8)))
        let output = sandbox.scratch.file("catalog")
        let outcome = try ProcessRunner.run(
            Products.hgctl,
            ["data", "download", "--symbol", "NEARUSDT", "--start", "2025-09-01", "--end", "2025-09-03", "--data-types", "last",
             "--bulk-url", bulk.baseURL.absoluteString, "--rest-url", rest.baseURL.absoluteString, "--output", output],
            environment: sandbox.environment)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("downloaded 0 files"))
        #expect(outcome.stdout.contains("made 2 REST requests"))
        #expect(outcome.stdout.contains("2880 new rows"))
        #expect(outcome.stderr.contains("not in the archive (yet): data/futures/um/daily/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09-01.zip"))
        #expect(rest.requests("/fapi/v1/klines") == 2)
        #expect(rest.requests("/fapi/v1/exchangeInfo") == 1)
    }
}

/// `hgctl bench rpc` runs its private daemon and reports what the issue asks for.
@Suite struct HGCtlBenchTests {
    @Test(arguments: ["polled", "threads"])
    func benchRPCReportsLatenciesAndMemory(driver: String) throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        var environment = sandbox.environment
        environment["HEDGEGRID_SOCKET"] = nil
        let outcome = try ProcessRunner.run(
            Products.hgctl, ["bench", "rpc", "--clients", "1,4", "--requests", "30", "--driver", driver, "--json"], environment: environment)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let report = try JSONParser.parse(Data(outcome.stdout.utf8))
        let rows = report["results"]?.arrayValue ?? []
        #expect(rows.map { $0["clients"]?.intValue } == [1, 4])
        #expect(rows.map { $0["requests"]?.intValue } == [30, 120])
        for row in rows {
            let p50 = row["p50Ms"]?.doubleValue ?? -1
            let p99 = row["p99Ms"]?.doubleValue ?? -1
            #expect(p50 > 0 && p99 >= p50)
        }
        #expect((report["idleRssMB"]?.doubleValue ?? 0) > 1)
        #expect(report["driver"] == .string(driver))
    }

    @Test func benchRPCRefusesAnUnknownDriver() throws {
        let sandbox = HGCtlCommandTests.Sandbox()
        defer { sandbox.cleanUp() }
        let outcome = try ProcessRunner.run(Products.hgctl, ["bench", "rpc", "--driver", "fibers"], environment: sandbox.environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--driver must be one of: polled, threads"))
    }
}
