import Foundation
import HedgeGridCore
import HedgeGridData
import HedgeGridTestSupport
import Testing

/// Instrument filters from exchangeInfo, stored in the catalog.
@Suite struct ExchangeInfoTests {
    /// The shape of a real answer (two symbols, filters as Binance writes them).
    static let answer = """
        {"timezone":"UTC","serverTime":1626858243909,"rateLimits":[],"exchangeFilters":[],"assets":[],"symbols":[
         {"symbol":"NEARUSDT","maintMarginPercent":"2.5000","filters":[
           {"minPrice":"0.0477","maxPrice":"1000","filterType":"PRICE_FILTER","tickSize":"0.0010"},
           {"stepSize":"1","filterType":"LOT_SIZE","maxQty":"10000000","minQty":"1"},
           {"notional":"5","filterType":"MIN_NOTIONAL"}]},
         {"symbol":"BTCUSDT","maintMarginPercent":"2.5000","filters":[
           {"filterType":"PRICE_FILTER","tickSize":"0.10"},
           {"stepSize":"0.001","filterType":"LOT_SIZE","minQty":"0.001"},
           {"notional":"100","filterType":"MIN_NOTIONAL"}]}]}
        """

    @Test func filtersAreRead() throws {
        let instruments = try ExchangeInfoParser.parse(Data(Self.answer.utf8), source: "answer")
        #expect(instruments.map(\.symbol) == ["NEARUSDT", "BTCUSDT"])
        #expect(instruments[1].filters == InstrumentFilters(tickSize: 0.1, stepSize: 0.001, minQty: 0.001, minNotional: 100))
        #expect(instruments[0].maintenanceMarginRate == 0.025)
        #expect(throws: MarketDataError.self) { try ExchangeInfoParser.parse(Data("{}".utf8), source: "x") }
    }

    @Test func importedExchangeInfoIsStoredPerSymbol() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let file = scratch.file("fapi_v1_exchangeInfo.json")
        try Self.answer.write(toFile: file, atomically: true, encoding: .utf8)
        let catalog = try MarketCatalog(root: scratch.file("catalog"), cache: nil)
        try catalog.importFiles([file])
        #expect(try catalog.instrument(symbol: "BTCUSDT")?.filters.minNotional == 100)
        #expect(try catalog.instrument(symbol: "ETHUSDT") == nil)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "../shared/data/cryptofeed-binance-futures/fapi_v1_exchangeInfo_2021-07-21.json"),
                   "../shared/data is not beside the repository (extra check only)"))
    func theRealCaptureReads() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "../shared/data/cryptofeed-binance-futures/fapi_v1_exchangeInfo_2021-07-21.json"))
        let instruments = try ExchangeInfoParser.parse(data, source: "capture")
        #expect(instruments.count == 122)
        let near = try #require(instruments.first { $0.symbol == "NEARUSDT" })
        #expect(near.filters == InstrumentFilters(tickSize: 0.0001, stepSize: 1, minQty: 1, minNotional: 5))
        #expect(instruments.first { $0.symbol == "BTCUSDT" }?.filters.tickSize == 0.01)
    }
}
