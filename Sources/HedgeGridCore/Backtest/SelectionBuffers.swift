/// The decision's scratch memory, allocated once per run for the largest possible ladder, so a
/// decision writes plain memory: the rungs selected at this close and at the last reconciliation
/// (ladder positions, longs then shorts); the rungs wanted (on the right side of mid) at the last
/// full decision with their notionals, which a close where only the caps could change the
/// selection re-checks alone; and, for reconciling, per-level lookups (index = level) of the
/// selected rung's position (-1: none) and of a resting entry, kept at -1 and false in between.
final class SelectionBuffers {
    let capacity: Int
    let current: UnsafeMutablePointer<Int32>
    let previous: UnsafeMutablePointer<Int32>
    let wantedPositions: UnsafeMutablePointer<Int32>
    let wantedNotionals: UnsafeMutablePointer<Double>
    let selectedLong: UnsafeMutablePointer<Int32>
    let selectedShort: UnsafeMutablePointer<Int32>
    let restingLong: UnsafeMutablePointer<Bool>
    let restingShort: UnsafeMutablePointer<Bool>
    private let levelsLong: Int
    private let levelsShort: Int
    /// Longs and all rungs in `previous` (-1: no reconciliation yet).
    var previousLongCount = -1
    var previousCount = -1
    /// Longs and all rungs in the wanted list (-1: no full decision yet).
    var wantedLongCount = 0
    var wantedCount = -1

    init(levelsLong: Int, levelsShort: Int) {
        self.levelsLong = max(0, levelsLong) + 1
        self.levelsShort = max(0, levelsShort) + 1
        capacity = max(levelsLong, 0) + max(levelsShort, 0) + 1
        current = .allocate(capacity: capacity)
        previous = .allocate(capacity: capacity)
        wantedPositions = .allocate(capacity: capacity)
        wantedNotionals = .allocate(capacity: capacity)
        selectedLong = .allocate(capacity: self.levelsLong)
        selectedLong.initialize(repeating: -1, count: self.levelsLong)
        selectedShort = .allocate(capacity: self.levelsShort)
        selectedShort.initialize(repeating: -1, count: self.levelsShort)
        restingLong = .allocate(capacity: self.levelsLong)
        restingLong.initialize(repeating: false, count: self.levelsLong)
        restingShort = .allocate(capacity: self.levelsShort)
        restingShort.initialize(repeating: false, count: self.levelsShort)
    }

    deinit {
        current.deallocate()
        previous.deallocate()
        wantedPositions.deallocate()
        wantedNotionals.deallocate()
        selectedLong.deallocate()
        selectedShort.deallocate()
        restingLong.deallocate()
        restingShort.deallocate()
    }

    /// Sets (or clears) the level lookup of the first `total` positions of `selection`, `longCount` of them longs.
    func markSelected(_ selection: UnsafeMutablePointer<Int32>, longCount: Int, total: Int, in ladder: GridLadder, marked: Bool) {
        for offset in 0..<total {
            let position = selection[offset]
            if offset < longCount {
                selectedLong[ladder.long[Int(position)].level] = marked ? position : -1
            } else {
                selectedShort[ladder.short[Int(position)].level] = marked ? position : -1
            }
        }
    }

    /// Whether a resting entry is one of the selected rungs, as it is (the lookup is marked).
    func isSelected(_ entry: Simulation.Entry, in ladder: GridLadder) -> Bool {
        let position = Int(entry.side == .long ? selectedLong[entry.level] : selectedShort[entry.level])
        guard position >= 0 else { return false }
        let rung = entry.side == .long ? ladder.long[position] : ladder.short[position]
        return (rung.price == entry.price && rung.quantity == entry.quantity) || Simulation.close(rung, entry)
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
