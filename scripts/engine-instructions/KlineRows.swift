// The six FILUSDT months of `hgctl bench backtest`, read from their unzipped CSVs without
// Foundation: shared by scripts/engine-instructions/main.swift and scripts/engine-ab/main.swift.
import Glibc

/// One kline row: open time (ms) and the four prices.
typealias KlineRow = (openTime: Int64, open: Double, high: Double, low: Double, close: Double)

/// The rows of FILUSDT-1m-2023-{04,05,06,08,09,10}.csv in `directory` (header rows skipped).
func readKlineRows(directory: String) -> [KlineRow] {
    var rows: [KlineRow] = []
    for month in ["04", "05", "06", "08", "09", "10"] {
        let path = "\(directory)/FILUSDT-1m-2023-\(month).csv"
        guard let file = fopen(path, "r") else { fatalError("cannot open \(path)") }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0 {
            let fields = String(cString: line!).split(separator: ",")
            guard fields.count > 4, let openTime = Int64(fields[0]) else { continue }  // the header row
            rows.append((openTime, Double(fields[1])!, Double(fields[2])!, Double(fields[3])!, Double(fields[4])!))
        }
        free(line)
        fclose(file)
    }
    return rows
}
