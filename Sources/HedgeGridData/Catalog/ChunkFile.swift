import Foundation

/// One month of one series on disk: a small header and the columns as little-endian arrays.
///
/// Layout: magic `HGC1`, kind (UInt8), 3 padding bytes, row count (UInt64), then the columns
/// back to back: bars are time (Int64) + open, high, low, close (Float64): 40 bytes a bar;
/// funding is time + rate: 16 bytes; trades are time + price: 16 bytes a trade. Files are written
/// to a temporary name, synced and renamed, so a reader never sees half a chunk.
public enum ChunkFile {
    static let magic: [UInt8] = Array("HGC1".utf8)
    static let headerSize = 16

    public static func columnCount(_ kind: DataKind) -> Int {
        switch kind {
        case .last, .mark: return 4
        case .funding, .trades: return 1
        }
    }

    /// Writes `times` and `columns` (each as long as `times`) atomically to `path`.
    public static func write(kind: DataKind, times: [Int64], columns: [[Double]], to path: String) throws {
        precondition(columns.count == columnCount(kind) && columns.allSatisfy { $0.count == times.count })
        var data = Data(capacity: headerSize + times.count * 8 * (1 + columns.count))
        data.append(contentsOf: magic)
        data.append(contentsOf: [kindCode(kind), 0, 0, 0])
        var count = UInt64(times.count).littleEndian
        withUnsafeBytes(of: &count) { data.append(contentsOf: $0) }
        times.withUnsafeBytes { data.append(contentsOf: $0) }
        for column in columns { column.withUnsafeBytes { data.append(contentsOf: $0) } }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw MarketDataError(file: temporary, reason: "cannot create the file")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            throw MarketDataError(file: path, reason: "cannot move the chunk into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a chunk: its times and columns.
    public static func read(_ path: String, kind: DataKind) throws(MarketDataError) -> (times: [Int64], columns: [[Double]]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MarketDataError(file: path, reason: "catalog chunk missing or unreadable")
        }
        guard data.count >= headerSize, Array(data.prefix(4)) == magic, data[data.startIndex + 4] == kindCode(kind) else {
            throw MarketDataError(file: path, reason: "not a \(kind.rawValue) catalog chunk (bad header)")
        }
        let count = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
        let columns = columnCount(kind)
        guard data.count == headerSize + count * 8 * (1 + columns) else {
            throw MarketDataError(file: path, reason: "catalog chunk has \(data.count) bytes, expected \(headerSize + count * 8 * (1 + columns)) for \(count) rows (truncated?)")
        }
        return data.withUnsafeBytes { raw in
            var offset = headerSize
            let times = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count * 8)]))
                initialized = count
            }
            offset += count * 8
            var values: [[Double]] = []
            for _ in 0..<columns {
                let start = offset
                values.append([Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * 8)]))
                    initialized = count
                })
                offset += count * 8
            }
            return (times, values)
        }
    }

    static func kindCode(_ kind: DataKind) -> UInt8 {
        switch kind {
        case .last: return 1
        case .mark: return 2
        case .funding: return 3
        case .trades: return 4
        }
    }
}
