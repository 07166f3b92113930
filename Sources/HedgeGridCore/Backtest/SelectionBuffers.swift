/// The decision's scratch memory, allocated once per run for the largest possible ladder, so a
/// decision writes plain memory: the rungs selected at this close and at the last reconciliation
/// (ladder positions, longs then shorts); the rungs wanted (on the right side of mid) at the last
/// full selection with their notionals, from which the caps choose again while mid stays between
/// the same rungs of the same ladder; and, for reconciling, per-level lookups (index = level) of the
/// selected rung's position and of a resting entry. A lookup entry counts only when it carries the
/// current reconciliation's stamp, so starting a reconciliation clears them all at once. It also
/// holds the orders a path segment reaches, while the fills change the simulation.
///
/// One pointer to memory holding the rest (the buffers' pointers and the counters), so passing it
/// around costs neither reference counting nor a copy of many fields (the decision takes it
/// several times per bar). Whoever creates it calls `deallocate()` once.
struct SelectionBuffers {
    /// What the one pointer points to.
    private struct Storage {
        let capacity: Int
        let levelsLong: Int
        let levelsShort: Int
        let current: UnsafeMutablePointer<Int32>
        let previous: UnsafeMutablePointer<Int32>
        let wantedPositions: UnsafeMutablePointer<Int32>
        let wantedNotionals: UnsafeMutablePointer<Double>
        let selectedLong: UnsafeMutablePointer<Int32>
        let selectedShort: UnsafeMutablePointer<Int32>
        /// The stamp of the reconciliation that selected (or found resting) each level.
        let selectedLongStamp: UnsafeMutablePointer<UInt32>
        let selectedShortStamp: UnsafeMutablePointer<UInt32>
        let restingLongStamp: UnsafeMutablePointer<UInt32>
        let restingShortStamp: UnsafeMutablePointer<UInt32>
        let filledLevels: UnsafeMutablePointer<Int32>
        let cancelled: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>)
        let placed: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>)
        /// The orders a path segment reaches (`triggers(room:)`), and how many fit.
        var triggers: UnsafeMutablePointer<Simulation.Trigger>
        var triggerCapacity: Int
        /// The current reconciliation's stamp (0 is never one).
        var stamp: UInt32 = 0
        var filledCount = 0
        var previousLongCount = -1
        var previousCount = -1
        var wantedLongCount = 0
        var wantedCount = -1
    }

    private let storage: UnsafeMutablePointer<Storage>

    var capacity: Int { storage.pointee.capacity }
    var current: UnsafeMutablePointer<Int32> { storage.pointee.current }
    var previous: UnsafeMutablePointer<Int32> { storage.pointee.previous }
    var wantedPositions: UnsafeMutablePointer<Int32> { storage.pointee.wantedPositions }
    var wantedNotionals: UnsafeMutablePointer<Double> { storage.pointee.wantedNotionals }
    var selectedLong: UnsafeMutablePointer<Int32> { storage.pointee.selectedLong }
    var selectedShort: UnsafeMutablePointer<Int32> { storage.pointee.selectedShort }
    private var selectedLongStamp: UnsafeMutablePointer<UInt32> { storage.pointee.selectedLongStamp }
    private var selectedShortStamp: UnsafeMutablePointer<UInt32> { storage.pointee.selectedShortStamp }
    private var restingLongStamp: UnsafeMutablePointer<UInt32> { storage.pointee.restingLongStamp }
    private var restingShortStamp: UnsafeMutablePointer<UInt32> { storage.pointee.restingShortStamp }
    /// The levels whose entry filled since the last reconciliation (longs as level, shorts as
    /// -level; a level fills at most once in between, as nothing is placed).
    var filledLevels: UnsafeMutablePointer<Int32> { storage.pointee.filledLevels }
    /// Each side's ladder positions the incremental reconciliation cancels and places, ascending
    /// (scratch: [0] longs, [1] shorts).
    var cancelled: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) { storage.pointee.cancelled }
    var placed: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) { storage.pointee.placed }
    private var levelsLong: Int { storage.pointee.levelsLong }
    private var levelsShort: Int { storage.pointee.levelsShort }

    private var stamp: UInt32 {
        get { storage.pointee.stamp }
        nonmutating set { storage.pointee.stamp = newValue }
    }

    /// How many levels `filledLevels` holds.
    var filledCount: Int { storage.pointee.filledCount }

    /// Longs and all rungs in `previous` (-1: no reconciliation yet).
    var previousLongCount: Int { storage.pointee.previousLongCount }
    var previousCount: Int { storage.pointee.previousCount }

    /// Longs and all rungs in the wanted list (-1: no full decision yet).
    var wantedLongCount: Int {
        get { storage.pointee.wantedLongCount }
        nonmutating set { storage.pointee.wantedLongCount = newValue }
    }

    var wantedCount: Int {
        get { storage.pointee.wantedCount }
        nonmutating set { storage.pointee.wantedCount = newValue }
    }

    init(levelsLong: Int, levelsShort: Int) {
        let levels = (long: max(0, levelsLong) + 1, short: max(0, levelsShort) + 1)
        let capacity = max(levelsLong, 0) + max(levelsShort, 0) + 1
        let selectedLong = UnsafeMutablePointer<Int32>.allocate(capacity: levels.long)
        selectedLong.initialize(repeating: -1, count: levels.long)
        let selectedShort = UnsafeMutablePointer<Int32>.allocate(capacity: levels.short)
        selectedShort.initialize(repeating: -1, count: levels.short)
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(
            capacity: capacity, levelsLong: levels.long, levelsShort: levels.short, current: .allocate(capacity: capacity),
            previous: .allocate(capacity: capacity), wantedPositions: .allocate(capacity: capacity),
            wantedNotionals: .allocate(capacity: capacity), selectedLong: selectedLong, selectedShort: selectedShort,
            selectedLongStamp: .allocate(capacity: levels.long), selectedShortStamp: .allocate(capacity: levels.short),
            restingLongStamp: .allocate(capacity: levels.long), restingShortStamp: .allocate(capacity: levels.short),
            filledLevels: .allocate(capacity: capacity), cancelled: (.allocate(capacity: capacity), .allocate(capacity: capacity)),
            placed: (.allocate(capacity: capacity), .allocate(capacity: capacity)), triggers: .allocate(capacity: 2 * capacity),
            triggerCapacity: 2 * capacity))
        clearStamps()
    }

    private func clearStamps() {
        selectedLongStamp.initialize(repeating: 0, count: levelsLong)
        selectedShortStamp.initialize(repeating: 0, count: levelsShort)
        restingLongStamp.initialize(repeating: 0, count: levelsLong)
        restingShortStamp.initialize(repeating: 0, count: levelsShort)
    }

    /// Frees the memory; no copy of these buffers may be used after.
    func deallocate() {
        current.deallocate()
        previous.deallocate()
        wantedPositions.deallocate()
        wantedNotionals.deallocate()
        selectedLong.deallocate()
        selectedShort.deallocate()
        selectedLongStamp.deallocate()
        selectedShortStamp.deallocate()
        restingLongStamp.deallocate()
        restingShortStamp.deallocate()
        filledLevels.deallocate()
        cancelled.0.deallocate()
        cancelled.1.deallocate()
        placed.0.deallocate()
        placed.1.deallocate()
        storage.pointee.triggers.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// Memory for at least `count` triggers, grown when needed (what it held before is not kept).
    func triggers(room count: Int) -> UnsafeMutablePointer<Simulation.Trigger> {
        if storage.pointee.triggerCapacity < count {
            let capacity = max(count, 2 * storage.pointee.triggerCapacity)
            storage.pointee.triggers.deallocate()
            storage.pointee.triggers = .allocate(capacity: capacity)
            storage.pointee.triggerCapacity = capacity
        }
        return storage.pointee.triggers
    }

    /// Notes that the entry resting at a level filled.
    @inline(__always) func markFilled(_ side: PositionSide, level: Int) {
        let count = filledCount
        precondition(count < capacity, "more fills than entries since the last reconciliation")
        filledLevels[count] = Int32(side == .long ? level : -level)
        storage.pointee.filledCount = count + 1
    }

    /// Starts a new span between reconciliations: no level has filled in it yet.
    func forgetFills() {
        storage.pointee.filledCount = 0
    }

    /// Starts a reconciliation: marks the level lookup of the first `total` positions of
    /// `selection` (`longCount` of them longs) as selected, and no level as resting.
    func beginReconciling(_ selection: UnsafeMutablePointer<Int32>, longCount: Int, total: Int, in ladder: GridLadder) {
        var stamp = self.stamp &+ 1
        if stamp == 0 {
            clearStamps()
            stamp = 1
        }
        self.stamp = stamp
        ladder.long.withUnsafeBufferPointer { long in
            for offset in 0..<longCount {
                let position = selection[offset]
                let level = long[Int(position)].level
                selectedLong[level] = position
                selectedLongStamp[level] = stamp
            }
        }
        ladder.short.withUnsafeBufferPointer { short in
            for offset in longCount..<total {
                let position = selection[offset]
                let level = short[Int(position)].level
                selectedShort[level] = position
                selectedShortStamp[level] = stamp
            }
        }
    }

    /// Whether a resting entry is one of the selected rungs, as it is.
    @inline(__always) func isSelected(_ entry: Simulation.Entry, in ladder: GridLadder) -> Bool {
        let long = entry.side == .long
        guard (long ? selectedLongStamp[entry.level] : selectedShortStamp[entry.level]) == stamp else { return false }
        let position = Int(long ? selectedLong[entry.level] : selectedShort[entry.level])
        let rung = long ? ladder.long[position] : ladder.short[position]
        return (rung.price == entry.price && rung.quantity == entry.quantity) || Simulation.close(rung, entry)
    }

    /// Notes that a selected rung's level already has its entry resting.
    func markResting(_ side: PositionSide, level: Int) {
        if side == .long { restingLongStamp[level] = stamp } else { restingShortStamp[level] = stamp }
    }

    /// Moves the stamp on without reconciling (tests reach the wrap-around with it).
    func skipStamps(to value: UInt32) {
        stamp = value
    }

    /// Whether `markResting` was called for this level in this reconciliation.
    func isResting(_ side: PositionSide, level: Int) -> Bool {
        (side == .long ? restingLongStamp[level] : restingShortStamp[level]) == stamp
    }

    /// Whether the first `count` selected rungs, `longCount` of them longs, are the last reconciled ones.
    @inline(__always) func currentEqualsPrevious(count: Int, longCount: Int) -> Bool {
        guard longCount == previousLongCount && count == previousCount else { return false }
        for offset in 0..<count where current[offset] != previous[offset] { return false }
        return true
    }

    /// Remembers the current selection as the reconciled one.
    func keepCurrent(count: Int, longCount: Int) {
        previous.update(from: current, count: count)
        storage.pointee.previousLongCount = longCount
        storage.pointee.previousCount = count
    }
}
