import Foundation
import HedgeGridCore
import ZIPFoundation

/// Opens Binance data files as they come: a CSV, or a zip holding one CSV (the archive's layout).
public enum MarketDataFile {
    /// The CSV bytes of `path`: the file itself, or the first `.csv` member of a zip.
    public static func csvBytes(at path: String) throws(MarketDataError) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MarketDataError(file: path, reason: "no such file")
        }
        if path.lowercased().hasSuffix(".zip") {
            do {
                let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
                guard let entry = archive.first(where: { $0.path.lowercased().hasSuffix(".csv") }) else {
                    throw MarketDataError(file: path, reason: "the zip holds no .csv file")
                }
                var data = Data()
                data.reserveCapacity(Int(entry.uncompressedSize))
                _ = try archive.extract(entry, skipCRC32: false) { chunk in data.append(chunk) }
                return data
            } catch let error as MarketDataError {
                throw error
            } catch {
                throw MarketDataError(file: path, reason: "not a readable zip archive (truncated or corrupt?): \(error)")
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MarketDataError(file: path, reason: "cannot read the file")
        }
        return data
    }

    /// Reads kline files (in the order given, each continuing the last) into one series.
    public static func bars(from paths: [String]) throws(MarketDataError) -> BarSeries {
        try read(paths, into: BarSeries(), reserving: { series, bytes in series.reserveCapacity(series.count + bytes / 80) }, KlineCSVReader.read)
    }

    /// Reads aggTrades or trades files into one series.
    public static func trades(from paths: [String]) throws(MarketDataError) -> TradeSeries {
        try read(paths, into: TradeSeries(), TradesCSVReader.read)
    }

    /// Reads funding files into one series.
    public static func funding(from paths: [String]) throws(MarketDataError) -> FundingSeries {
        try read(paths, into: FundingSeries(), FundingCSVReader.read)
    }

    /// Feeds each file's CSV bytes to `parse`, which appends to one series.
    private static func read<Series>(
        _ paths: [String], into initial: Series, reserving reserve: (inout Series, Int) -> Void = { _, _ in },
        _ parse: (UnsafeBufferPointer<UInt8>, String, inout Series) throws(MarketDataError) -> Void
    ) throws(MarketDataError) -> Series {
        var series = initial
        for path in paths {
            let data = try csvBytes(at: path)
            reserve(&series, data.count)
            let result: Result<Void, MarketDataError> = data.withUnsafeBytes { raw in
                do throws(MarketDataError) {
                    try parse(raw.bindMemory(to: UInt8.self), path, &series)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
        }
        return series
    }
}
