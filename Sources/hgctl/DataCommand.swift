import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl data import|list`: the market-data catalog.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Manage the market-data catalog.", subcommands: [Download.self, Import.self, List.self, Verify.self, Delete.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import Binance kline, funding or trades files (CSV or zip, as the archives ship them).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Files, e.g. NEARUSDT-1m-2025-09.zip NEARUSDT-fundingRate-2025-09.zip.") var files: [String]
        @Option(help: "The symbol, when the file names do not start with it.") var symbol: String?
        @Option(name: .customLong("data-type"), help: "last, mark, funding or trades, when the file names do not say it (mark klines are named like last ones).")
        var dataType: String?
        @Option(help: "The catalog folder (default: the daemon's <state>/catalog).") var output: String?

        func run() async throws {
            let client = try global.connect()
            let params = DataImportParams(files: files, symbol: symbol, dataType: dataType, output: output, workingDirectory: FileManager.default.currentDirectoryPath)
            let result = await Console.call(client, MethodName.dataImport, try JSONValue(encoding: params))
            if global.json {
                Console.printJSON(result)
            } else {
                print("\(result["rowsAdded"]?.intValue ?? 0) new rows in \(result["catalog"]?.stringValue ?? "")")
                DataCommand.printCoverage(result["coverage"])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the catalog holds: months, rows, first and last times, missing bars.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The catalog folder (default: the daemon's <state>/catalog).") var output: String?

        func run() async throws {
            let client = try global.connect()
            let result = await Console.call(
                client, MethodName.dataList, try JSONValue(encoding: DataListParams(output: output, workingDirectory: FileManager.default.currentDirectoryPath)))
            if global.json {
                Console.printJSON(result)
                return
            }
            print("catalog: \(result["catalog"]?.stringValue ?? "")")
            DataCommand.printCoverage(result["coverage"])
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download Binance USDⓈ-M data into the catalog (bulk archives, checksums verified; what is there is not fetched again).",
            discussion: "Start inclusive, end exclusive, dates in UTC. --mode auto takes the bulk archives first and the REST API for what they do not have yet.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only binance.") var source = "binance"
        @Option(help: "The symbol, e.g. BTCUSDT.") var symbol: String
        @Option(help: "UTC start (inclusive), e.g. 2024-04-01.") var start: String
        @Option(help: "UTC end (exclusive), e.g. 2024-10-01.") var end: String
        @Option(name: .customLong("data-types"), help: "Comma-separated: last, mark, funding, trades (default: last,funding).")
        var dataTypes = "last,funding"
        @Option(help: "auto, bulk or rest.") var mode = "auto"
        @Option(name: .customLong("bulk-url"), help: "Archive base URL (default: HEDGEGRID_BULK_URL, else https://data.binance.vision).")
        var bulkURL: String?
        @Option(name: .customLong("rest-url"), help: "REST base URL (default: HEDGEGRID_REST_URL, else https://fapi.binance.com).")
        var restURL: String?
        @Option(help: "The catalog folder (default: the daemon's <state>/catalog).") var output: String?

        func validate() throws {
            guard source == "binance" else { throw ValidationError("--source must be binance") }
        }

        func run() async throws {
            let client = try global.connect()
            let params = DataDownloadParams(
                symbol: symbol, start: try DataCommand.utcMilliseconds(start, option: "--start"),
                end: try DataCommand.utcMilliseconds(end, option: "--end"),
                dataTypes: dataTypes.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }, mode: mode,
                bulkUrl: bulkURL ?? ProcessInfo.processInfo.environment["HEDGEGRID_BULK_URL"],
                restUrl: restURL ?? ProcessInfo.processInfo.environment["HEDGEGRID_REST_URL"], output: output,
                workingDirectory: FileManager.default.currentDirectoryPath)
            let started = Console.decode(await Console.call(client, MethodName.dataDownload, try JSONValue(encoding: params)), as: JobStarted.self)
            let info = await JobWaiter.wait(for: started.jobId, client: client, showProgress: !global.json)
            if global.json {
                JobWaiter.report(info, json: true)
                return
            }
            if info.state == .succeeded, let summary = info.result?["summary"] {
                print("downloaded \(summary["filesDownloaded"]?.intValue ?? 0) files (\(summary["bytes"]?.intValue ?? 0) bytes) and made \(info.result?["restRequests"]?.intValue ?? 0) REST requests, skipped \(summary["filesSkipped"]?.intValue ?? 0) already in the catalog, \(summary["rowsAdded"]?.intValue ?? 0) new rows into \(info.result?["catalog"]?.stringValue ?? "")")
                for missing in summary["missing"]?.arrayValue ?? [] {
                    Console.note("not in the archive (yet): \(missing.stringValue ?? "")")
                }
            }
            JobWaiter.report(info, json: false, quiet: true)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a symbol's data: gaps (with their ranges), duplicates, OHLC violations, irregular funding intervals. Exits 1 when something is wrong.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The symbol, e.g. NEARUSDT.") var symbol: String
        @Option(help: "UTC start (inclusive), e.g. 2025-09-01.") var start: String?
        @Option(help: "UTC end (exclusive).") var end: String?
        @Option(help: "The catalog folder (default: the daemon's <state>/catalog).") var output: String?

        func run() async throws {
            let client = try global.connect()
            let params = DataVerifyParams(
                symbol: symbol, start: try start.map { try DataCommand.utcMilliseconds($0, option: "--start") },
                end: try end.map { try DataCommand.utcMilliseconds($0, option: "--end") }, output: output,
                workingDirectory: FileManager.default.currentDirectoryPath)
            let result = await Console.call(client, MethodName.dataVerify, try JSONValue(encoding: params))
            let ok = result["ok"]?.boolValue ?? false
            if global.json {
                Console.printJSON(result)
            } else {
                let checked = (result["rowsChecked"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.intValue ?? 0)" }
                print("\(symbol): checked \(checked.joined(separator: ", ")) rows")
                for finding in result["findings"]?.arrayValue ?? [] {
                    func time(_ key: String) -> String {
                        ISO8601Timestamp.string(from: Date(timeIntervalSince1970: Double(finding[key]?.intValue ?? 0) / 1000))
                    }
                    print("  \(finding["kind"]?.stringValue ?? "") \(finding["problem"]?.stringValue ?? ""): \(time("from")) .. \(time("to")) \(finding["detail"]?.stringValue ?? "")")
                }
                for (key, count) in (result["counts"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    print("  \(key): \(count.intValue ?? 0)")
                }
                print(ok ? "ok" : "problems found")
            }
            if !ok { throw ExitCode(ExitCodes.failure) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a symbol's data (one type, or all) from the catalog.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The symbol, e.g. NEARUSDT.") var symbol: String
        @Option(name: .customLong("data-type"), help: "last, mark, funding or trades (default: all).") var dataType: String?
        @Option(help: "The catalog folder (default: the daemon's <state>/catalog).") var output: String?

        func run() async throws {
            let client = try global.connect()
            let params = DataDeleteParams(symbol: symbol, dataType: dataType, output: output, workingDirectory: FileManager.default.currentDirectoryPath)
            let result = await Console.call(client, MethodName.dataDelete, try JSONValue(encoding: params))
            if global.json { Console.printJSON(result) } else { print("\(result["rowsRemoved"]?.intValue ?? 0) rows removed") }
        }
    }

    /// `2025-09-01` or `2025-09-01T12:00:00Z` (UTC) as epoch milliseconds.
    static func utcMilliseconds(_ text: String, option: String) throws -> Int64 {
        var candidate = text
        if candidate.count == 10 { candidate += "T00:00:00Z" }
        if !candidate.hasSuffix("Z") { candidate += "Z" }
        guard let date = try? Date(candidate, strategy: .iso8601) else {
            throw ValidationError("\(option) must be a UTC date like 2025-09-01 or 2025-09-01T00:00:00Z, got '\(text)'")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func printCoverage(_ coverage: JSONValue?) {
        let series = coverage?.arrayValue ?? []
        guard !series.isEmpty else {
            print("no data")
            return
        }
        var table = TextTable(["SYMBOL", "TYPE", "ROWS", "FIRST", "LAST", "MONTHS", "MISSING BARS"])
        for item in series {
            func time(_ key: String) -> String {
                guard let ms = item[key]?.intValue else { return "" }
                return ISO8601Timestamp.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
            }
            let months = item["months"]?.arrayValue?.compactMap(\.stringValue) ?? []
            table.add([
                item["symbol"]?.stringValue ?? "", item["kind"]?.stringValue ?? "", "\(item["rows"]?.intValue ?? 0)", time("first"), time("last"),
                months.count > 3 ? "\(months.first!)..\(months.last!) (\(months.count))" : months.joined(separator: ","),
                item["missingBars"]?.intValue.map(String.init) ?? "",
            ])
        }
        print(table.rendered)
    }
}
