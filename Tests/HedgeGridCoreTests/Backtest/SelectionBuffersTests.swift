@testable import HedgeGridCore
import Testing

/// The reconciliation lookups: a level counts as selected or resting only within the
/// reconciliation that marked it.
@Suite struct SelectionBuffersTests {
    static let ladder = GridLadder(
        center: 100, stepBps: 100, levelsLong: 4, levelsShort: 4, baseQuantity: 1, quantityScale: 1,
        filters: InstrumentFilters(tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 0))

    static func entry(_ rung: GridRung) -> Simulation.Entry {
        Simulation.Entry(id: 1, side: rung.side, level: rung.level, price: rung.price, quantity: rung.quantity, step: 1, activeFrom: 0)
    }

    /// Reconciles a selection of long positions and short positions; returns what the lookups say of every rung.
    static func reconcile(_ buffers: SelectionBuffers, long: [Int32], short: [Int32]) -> (long: [Bool], short: [Bool]) {
        let selection = long + short
        selection.withUnsafeBufferPointer { positions in
            buffers.current.update(from: positions.baseAddress!, count: positions.count)
        }
        buffers.beginReconciling(buffers.current, longCount: long.count, total: selection.count, in: ladder)
        return (ladder.long.map { buffers.isSelected(entry($0), in: ladder) }, ladder.short.map { buffers.isSelected(entry($0), in: ladder) })
    }

    @Test func aLevelIsSelectedOnlyInItsReconciliation() {
        let buffers = SelectionBuffers(levelsLong: 4, levelsShort: 4)
        defer { buffers.deallocate() }
        #expect(Self.ladder.long.count == 4 && Self.ladder.short.count == 4)
        let first = Self.reconcile(buffers, long: [0, 2], short: [1])
        #expect(first.long == [true, false, true, false])
        #expect(first.short == [false, true, false, false])
        buffers.markResting(.long, level: Self.ladder.long[0].level)
        #expect(buffers.isResting(.long, level: Self.ladder.long[0].level))
        let second = Self.reconcile(buffers, long: [1], short: [])
        #expect(second.long == [false, true, false, false])
        #expect(second.short == [false, false, false, false])
        #expect(!buffers.isResting(.long, level: Self.ladder.long[0].level))
    }

    @Test func anEntryThatIsNotTheRungAsItIsNowIsNotSelected() {
        let buffers = SelectionBuffers(levelsLong: 4, levelsShort: 4)
        defer { buffers.deallocate() }
        _ = Self.reconcile(buffers, long: [0], short: [])
        var moved = Self.entry(Self.ladder.long[0])
        moved.price *= 1.01
        #expect(!buffers.isSelected(moved, in: Self.ladder))
        var nudged = Self.entry(Self.ladder.long[0])
        nudged.price *= 1.000_01  // within 1 bp: the same order
        #expect(buffers.isSelected(nudged, in: Self.ladder))
    }

    @Test func marksFromBeforeTheStampWrapsDoNotCount() {
        let buffers = SelectionBuffers(levelsLong: 4, levelsShort: 4)
        defer { buffers.deallocate() }
        // A mark made with stamp 1, long ago.
        _ = Self.reconcile(buffers, long: [3], short: [3])
        buffers.markResting(.short, level: Self.ladder.short[3].level)
        // Billions of reconciliations later the stamp wraps round to 0, then 1 again.
        buffers.skipStamps(to: UInt32.max - 1)
        #expect(Self.reconcile(buffers, long: [0], short: []).long == [true, false, false, false])
        let wrapped = Self.reconcile(buffers, long: [1], short: [])
        #expect(wrapped.long == [false, true, false, false])
        #expect(wrapped.short == [false, false, false, false])
        #expect(!buffers.isResting(.short, level: Self.ladder.short[3].level))
    }
}
