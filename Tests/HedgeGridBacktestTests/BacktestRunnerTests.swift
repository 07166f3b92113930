import Foundation
import HedgeGridBacktest
import HedgeGridCore
import HedgeGridData
import HedgeGridTestSupport
import Testing

/// The bundled backtest from configs to report files.
@Suite struct BacktestRunnerTests {
    static let root = ConfigTests.root
    static let strategy = "configs/strategies/hedge_grid_v1.yaml"
    static let backtest = "configs/backtest/near_2025_09.yaml"

    func run(_ id: String, in scratch: Scratch) throws -> BacktestReport {
        try BacktestRunner.run(
            strategyPath: Self.strategy, backtestPath: Self.backtest, runID: id, outputDirectory: scratch.path, workingDirectory: Self.root,
            environment: [:])
    }

    func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }

    @Test func bundledBacktestWritesConsistentReportFiles() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let report = try run("first", in: scratch)
        let directory = scratch.path + "/first"
        #expect(report.directory == directory)
        #expect(report.artifacts == ReportWriter.fileNames.map { directory + "/" + $0 })
        // September 2 to October 1: 29 days of minutes, the first day's bars warmed the indicators.
        #expect(report.result.bars == 29 * 1_440)
        let equity = try lines(directory + "/equity.csv")
        #expect(equity.first == "time,equity")
        #expect(equity.count == report.result.bars + 1)
        let trades = try lines(directory + "/trades.csv")
        #expect(trades.count == report.result.metrics.roundTrips + 1)
        let fills = try lines(directory + "/fills.csv")
        #expect(fills.count == report.result.fillCount + 1)
        #expect(report.result.fillCount > 100)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json"))) as? [String: Any]
        #expect(summary?["bar_source"] as? String == "last")
        #expect((summary?["metrics"] as? [String: Any])?["round_trips"] as? Int == report.result.metrics.roundTrips)
        // Funding was charged from the bundled funding file (every 8 h).
        #expect(report.result.metrics.fundingPaid != 0)
        // No half-written folder is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["first"])
    }

    @Test func twoRunsWriteIdenticalFiles() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        _ = try run("a", in: scratch)
        _ = try run("b", in: scratch)
        for name in ["orders.csv", "fills.csv", "trades.csv", "equity.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/a/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/b/" + name))
            #expect(a == b, "\(name) differs")
        }
    }

    @Test func existingRunFolderIsNeverOverwritten() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        _ = try run("same", in: scratch)
        let before = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/same/equity.csv"))
        #expect {
            _ = try run("same", in: scratch)
        } throws: { error in
            "\(error)".contains("already exists: choose another --run-id")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/same/equity.csv")) == before)
    }

    @Test func periodWithoutDataIsAClearError() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let text = try String(contentsOfFile: Self.root + "/" + Self.backtest, encoding: .utf8)
            .replacingOccurrences(of: "2025-09-02T00:00:00Z", with: "2024-01-01T00:00:00Z")
            .replacingOccurrences(of: "2025-10-01T00:00:00Z", with: "2024-02-01T00:00:00Z")
        let config = try BacktestConfig(reader: ConfigReader(yaml: text, file: "b.yaml", environment: [:]), baseDirectory: Self.root)
        let strategy = try StrategyConfig(reader: ConfigReader(path: Self.root + "/" + Self.strategy, environment: [:]))
        #expect {
            _ = try BacktestRunner.run(strategy: strategy, backtest: config, runID: "x", outputDirectory: scratch.path)
        } throws: { error in
            "\(error)".hasPrefix("no bars between 2024-01-01T00:00:00Z and 2024-02-01T00:00:00Z in ")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test func warmUpComesFromBarsBeforeTheStart() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let report = try run("warm", in: scratch)
        // Orders are placed at the close of the first bar of the period: the indicators were already warm.
        let orders = try lines(scratch.path + "/warm/orders.csv")
        let firstOrderTime = Int64(orders[1].split(separator: ",")[1])
        #expect(firstOrderTime == report.backtest.start + 59_999)
    }
}

/// Backtests that read the market catalog.
@Suite struct CatalogBacktestTests {
    @Test func catalogAndFilesGiveTheSameResult() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let root = BacktestRunnerTests.root
        let catalog = try MarketCatalog(root: scratch.file("catalog"))
        try catalog.importFiles([root + "/data/bundled/NEARUSDT-1m-2025-09.zip", root + "/data/bundled/NEARUSDT-fundingRate-2025-09_2025-11.csv"])
        let fromFiles = try BacktestRunner.run(
            strategyPath: BacktestRunnerTests.strategy, backtestPath: BacktestRunnerTests.backtest, workingDirectory: root, environment: [:], writeFiles: false)
        let fromCatalog = try BacktestRunner.run(
            strategyPath: BacktestRunnerTests.strategy, backtestPath: "configs/backtest/near_2025_09_catalog.yaml", workingDirectory: root,
            environment: ["HEDGEGRID_CATALOG": scratch.file("catalog")], writeFiles: false)
        #expect(fromCatalog.result.metrics == fromFiles.result.metrics)
        #expect(fromCatalog.result.equity == fromFiles.result.equity)
    }

    @Test func missingCatalogOrSymbolIsAClearError() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let root = BacktestRunnerTests.root
        #expect {
            _ = try BacktestRunner.run(
                strategyPath: BacktestRunnerTests.strategy, backtestPath: "configs/backtest/near_2025_09_catalog.yaml", workingDirectory: root,
                environment: ["HEDGEGRID_CATALOG": scratch.file("none")], writeFiles: false)
        } throws: { error in
            "\(error)" == "no catalog at \(scratch.file("none")) (fill it with hgctl data import or hgctl data download)"
        }
        let catalog = try MarketCatalog(root: scratch.file("catalog"))
        try catalog.importFiles([root + "/data/bundled/NEARUSDT-1m-2025-11.zip"])
        #expect {
            _ = try BacktestRunner.run(
                strategyPath: BacktestRunnerTests.strategy, backtestPath: "configs/backtest/near_2025_09_catalog.yaml", workingDirectory: root,
                environment: ["HEDGEGRID_CATALOG": scratch.file("catalog")], writeFiles: false)
        } throws: { error in
            "\(error)".hasPrefix("no last bars for NEARUSDT between 2025-09-02T00:00:00Z and 2025-10-01T00:00:00Z in the catalog")
        }
    }
}

/// Instrument filters taken from the catalog.
@Suite struct CatalogInstrumentTests {
    @Test func filtersComeFromTheCatalogWhenTheConfigHasNone() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let root = BacktestRunnerTests.root
        let info = scratch.file("exchangeInfo.json")
        try ExchangeInfoTestsFixture.answer.write(toFile: info, atomically: true, encoding: .utf8)
        let catalog = try MarketCatalog(root: scratch.file("catalog"))
        try catalog.importFiles([root + "/data/bundled/NEARUSDT-1m-2025-09.zip", info])
        var text = try String(contentsOfFile: root + "/configs/backtest/near_2025_09_catalog.yaml", encoding: .utf8)
        for line in ["  tick_size: 0.001\n", "  step_size: 1\n", "  min_qty: 1\n", "  min_notional: 5\n", "  maintenance_margin_rate: 0.01\n"] {
            text = text.replacingOccurrences(of: line, with: "")
        }
        let config = try BacktestConfig(
            reader: ConfigReader(yaml: text, file: "b.yaml", environment: ["HEDGEGRID_CATALOG": scratch.file("catalog")]), baseDirectory: root)
        #expect(config.instrumentFromCatalog)
        let strategy = try StrategyConfig(reader: ConfigReader(path: root + "/" + BacktestRunnerTests.strategy, environment: [:]))
        let report = try BacktestRunner.run(strategy: strategy, backtest: config, writeFiles: false)
        #expect(report.result.metrics.roundTrips > 0)
        // Without filters anywhere, a clear error.
        let bare = try MarketCatalog(root: scratch.file("bare"))
        try bare.importFiles([root + "/data/bundled/NEARUSDT-1m-2025-09.zip"])
        let noFilters = try BacktestConfig(
            reader: ConfigReader(yaml: text, file: "b.yaml", environment: ["HEDGEGRID_CATALOG": scratch.file("bare")]), baseDirectory: root)
        #expect {
            _ = try BacktestRunner.run(strategy: strategy, backtest: noFilters, writeFiles: false)
        } throws: { error in
            "\(error)".hasPrefix("no instrument filters for NEARUSDT in the catalog")
        }
    }
}

enum ExchangeInfoTestsFixture {
    static let answer = """
        {"symbols":[{"symbol":"NEARUSDT","maintMarginPercent":"1.0000","filters":[
          {"filterType":"PRICE_FILTER","tickSize":"0.001"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"},
          {"filterType":"MIN_NOTIONAL","notional":"5"}]}]}
        """
}
