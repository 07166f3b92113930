/// The decision's scratch memory, allocated once per run for the largest possible ladder, so a
/// decision writes plain memory: the rungs selected at this close and at the last reconciliation
/// (ladder positions, longs then shorts), and the rungs wanted (on the right side of mid) at the
/// last full decision with their notionals, which a close where only the caps could change the
/// selection re-checks alone.
final class SelectionBuffers {
    let capacity: Int
    let current: UnsafeMutablePointer<Int32>
    let previous: UnsafeMutablePointer<Int32>
    let wantedPositions: UnsafeMutablePointer<Int32>
    let wantedNotionals: UnsafeMutablePointer<Double>
    /// Longs and all rungs in `previous` (-1: no reconciliation yet).
    var previousLongCount = -1
    var previousCount = -1
    /// Longs and all rungs in the wanted list (-1: no full decision yet).
    var wantedLongCount = 0
    var wantedCount = -1

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        current = .allocate(capacity: self.capacity)
        previous = .allocate(capacity: self.capacity)
        wantedPositions = .allocate(capacity: self.capacity)
        wantedNotionals = .allocate(capacity: self.capacity)
    }

    deinit {
        current.deallocate()
        previous.deallocate()
        wantedPositions.deallocate()
        wantedNotionals.deallocate()
    }

    /// Whether the first `count` selected rungs, `longCount` of them longs, are the last reconciled ones.
    func currentEqualsPrevious(count: Int, longCount: Int) -> Bool {
        guard longCount == previousLongCount && count == previousCount else { return false }
        for offset in 0..<count where current[offset] != previous[offset] { return false }
        return true
    }

    /// Remembers the current selection as the reconciled one.
    func keepCurrent(count: Int, longCount: Int) {
        previous.update(from: current, count: count)
        previousLongCount = longCount
        previousCount = count
    }
}
