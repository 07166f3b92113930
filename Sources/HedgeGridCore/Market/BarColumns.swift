/// A `BarSeries`'s columns as plain memory, for the engine's loops: no bounds checks and no
/// reference counting per access. Valid only inside `BarSeries.withColumns`.
public struct BarColumns {
    public let openTimes: UnsafePointer<Int64>
    public let open: UnsafePointer<Double>
    public let high: UnsafePointer<Double>
    public let low: UnsafePointer<Double>
    public let close: UnsafePointer<Double>
    public let count: Int
    /// Bar length in milliseconds.
    public let intervalMs: Int64

    /// The close time of bar `index` (the moment it becomes known).
    @inline(__always) public func closeTime(_ index: Int) -> Int64 { openTimes[index] + intervalMs - 1 }
}

extension BarSeries {
    /// Calls `body` with the columns as plain memory (which must not be used after it returns).
    public func withColumns<Result>(_ body: (BarColumns) throws -> Result) rethrows -> Result {
        try openTimes.withUnsafeBufferPointer { openTimes in
            try open.withUnsafeBufferPointer { open in
                try high.withUnsafeBufferPointer { high in
                    try low.withUnsafeBufferPointer { low in
                        try close.withUnsafeBufferPointer { close in
                            // An empty array's base address may be nil: any pointer will do, it is never read.
                            let none = UnsafePointer<Double>(bitPattern: MemoryLayout<Double>.alignment)!
                            return try body(
                                BarColumns(
                                    openTimes: openTimes.baseAddress ?? UnsafePointer<Int64>(bitPattern: MemoryLayout<Int64>.alignment)!,
                                    open: open.baseAddress ?? none, high: high.baseAddress ?? none, low: low.baseAddress ?? none,
                                    close: close.baseAddress ?? none, count: openTimes.count, intervalMs: intervalMs))
                        }
                    }
                }
            }
        }
    }
}
