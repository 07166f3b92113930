import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl data import|list`: the market-data catalog.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Manage the market-data catalog.", subcommands: [Import.self, List.self])

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
