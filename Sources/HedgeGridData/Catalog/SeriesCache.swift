import Foundation

/// Recently read catalog series, kept in memory for the process (the daemon), so repeated
/// backtests and every trial of a study do not read the files again. An entry is keyed by what
/// was asked and by the index rows of the chunks it came from, so a new import invalidates it.
public final class SeriesCache: @unchecked Sendable {
    public typealias Columns = (times: [Int64], columns: [[Double]])

    /// The process-wide cache (512 MiB).
    public static let shared = SeriesCache(capacityBytes: 512 << 20)

    private struct Entry {
        var value: Columns
        var bytes: Int
        var lastUse: UInt64
    }

    public let capacityBytes: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var usedBytes = 0
    private var clock: UInt64 = 0
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    func value(for key: String) -> Columns? {
        lock.lock()
        defer { lock.unlock() }
        clock += 1
        guard var entry = entries[key] else {
            misses += 1
            return nil
        }
        hits += 1
        entry.lastUse = clock
        entries[key] = entry
        return entry.value
    }

    func store(_ value: Columns, for key: String) {
        let bytes = value.times.count * 8 * (1 + value.columns.count)
        guard bytes <= capacityBytes else { return }
        lock.lock()
        defer { lock.unlock() }
        clock += 1
        if let old = entries.removeValue(forKey: key) { usedBytes -= old.bytes }
        while usedBytes + bytes > capacityBytes, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries.removeValue(forKey: oldest.key)
            usedBytes -= oldest.value.bytes
        }
        entries[key] = Entry(value: value, bytes: bytes, lastUse: clock)
        usedBytes += bytes
    }

    /// Counts, for status and tests.
    public var statistics: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (entries.count, usedBytes, hits, misses)
    }
}
