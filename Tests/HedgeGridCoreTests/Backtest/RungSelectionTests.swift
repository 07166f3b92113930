@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `Simulation.select`'s band: the prices of mid over which every rung keeps its wanted status
/// (longs below mid, shorts above), so a decision can be reused while mid stays inside it.
@Suite struct RungSelectionTests {
    /// The wanted rungs of both sides at `mid` (uncapped) and the band `select` reports.
    static func wanted(_ ladder: GridLadder, mid: Double) -> (long: [Int32], short: [Int32], band: (low: Double, high: Double)) {
        let scratch = SelectionScratch(capacity: ladder.long.count + ladder.short.count)
        defer { scratch.deallocate() }
        let (positions, wantedPositions, notionals) = (scratch.positions, scratch.wantedPositions, scratch.notionals)
        var band = (low: -Double.infinity, high: Double.infinity)
        var included = true
        var margin = 0.0
        let long = Simulation.select(
            ladder.long, into: positions, wanted: (wantedPositions, notionals), mid: mid, held: 0, cap: .infinity, marginCap: .infinity,
            marginNotional: &margin, band: &band, included: &included)
        let longWanted = Array(UnsafeBufferPointer(start: wantedPositions, count: long.wanted))
        let short = Simulation.select(
            ladder.short, into: positions, wanted: (wantedPositions, notionals), mid: mid, held: 0, cap: .infinity, marginCap: .infinity,
            marginNotional: &margin, band: &band, included: &included)
        return (longWanted, Array(UnsafeBufferPointer(start: wantedPositions, count: short.wanted)), band)
    }

    @Test func theBandHoldsExactlyThePricesWhereNoRungChangesItsWantedStatus() {
        var random = SeededUniform(seed: 11)
        let filters = InstrumentFilters(tickSize: 0.001, stepSize: 1, minQty: 1, minNotional: 5)
        var onRung = 0
        for _ in 0..<400 {
            let ladder = GridLadder(
                center: 2 + random.next() * 6, stepBps: 20 + random.next() * 80, levelsLong: 1 + Int(random.next() * 8),
                levelsShort: 1 + Int(random.next() * 8), baseQuantity: 20, quantityScale: 1.05, filters: filters)
            let prices = (ladder.long + ladder.short).map(\.price)
            // Mid on a rung (ticks make that common), between rungs, and beyond both ends.
            var mids = [prices.randomElement(using: &random)!, ladder.center * (0.9 + random.next() * 0.2)]
            mids.append(prices.min()! - 0.001)
            mids.append(prices.max()! + 0.001)
            for mid in mids {
                if prices.contains(mid) { onRung += 1 }
                let reference = Self.wanted(ladder, mid: mid)
                let band = reference.band
                #expect(band.low < mid && mid < band.high, "mid \(mid) outside its own band \(band)")
                for inside in [band.low.nextUp, band.high.nextDown, mid] where inside > band.low && inside < band.high {
                    let other = Self.wanted(ladder, mid: inside)
                    #expect(other.long == reference.long && other.short == reference.short, "mid \(inside) inside \(band) wants other rungs than \(mid)")
                }
                // At either end of the band a rung changes: the band is no narrower than needed, and no wider.
                for edge in [band.low, band.high] where edge.isFinite {
                    let other = Self.wanted(ladder, mid: edge)
                    #expect(other.long != reference.long || other.short != reference.short, "mid \(edge) at the band's edge wants the same rungs as \(mid)")
                }
            }
        }
        #expect(onRung >= 300)
    }

    /// One side's selection by `select` or by `selectAllFitting` (nil when the latter declines).
    struct SideSelection: Equatable {
        var positions: [Int32]
        var wantedPositions: [Int32]
        var wantedNotionalBits: [UInt64]
        var notionalBits: UInt64
        var marginBits: UInt64
        var band: [UInt64]
        var included: Bool
    }

    static func selectSide(_ rungs: [GridRung], long: Bool, fitting: Bool, mid: Double, held: Double, cap: Double, marginCap: Double, margin: Double)
        -> SideSelection?
    {
        let scratch = SelectionScratch(capacity: rungs.count)
        defer { scratch.deallocate() }
        let (positions, wantedPositions, notionals) = (scratch.positions, scratch.wantedPositions, scratch.notionals)
        var band = (low: -Double.infinity, high: Double.infinity)
        var included = true
        var marginNotional = margin
        let result: (count: Int, notional: Double, wanted: Int)
        if fitting {
            guard let fitted = Simulation.selectAllFitting(
                rungs, long: long, into: positions, wanted: (wantedPositions, notionals), mid: mid, held: held, cap: cap, marginCap: marginCap,
                marginNotional: &marginNotional, band: &band)
            else { return nil }
            result = fitted
        } else {
            result = Simulation.select(
                rungs, into: positions, wanted: (wantedPositions, notionals), mid: mid, held: held, cap: cap, marginCap: marginCap,
                marginNotional: &marginNotional, band: &band, included: &included)
        }
        return SideSelection(
            positions: Array(UnsafeBufferPointer(start: positions, count: result.count)),
            wantedPositions: Array(UnsafeBufferPointer(start: wantedPositions, count: result.wanted)),
            wantedNotionalBits: UnsafeBufferPointer(start: notionals, count: result.wanted).map(\.bitPattern), notionalBits: result.notional.bitPattern,
            marginBits: marginNotional.bitPattern, band: [band.low.bitPattern, band.high.bitPattern], included: included)
    }

    /// The shortcut for a side whose wanted rungs all fit gives `select`'s results bit for bit, on
    /// ladders trimmed by a policy or scaled by the funding guard too, and declines exactly when a
    /// cap leaves a rung out.
    @Test func selectingASideWhoseRungsAllFitGivesSelectsResultsBitForBit() {
        var random = SeededUniform(seed: 23)
        let filters = InstrumentFilters(tickSize: 0.001, stepSize: 1, minQty: 1, minNotional: 5)
        var (fitted, declined) = (0, 0)
        for round in 0..<600 {
            var ladder = GridLadder(
                center: 2 + random.next() * 6, stepBps: 5 + random.next() * 80, levelsLong: Int(random.next() * 12),
                levelsShort: Int(random.next() * 12), baseQuantity: 20, quantityScale: 1.05, filters: filters)
            if round % 3 == 1 {
                PlacementPolicy.coreAndScalp.apply(
                    to: &ladder, regime: round % 2 == 0 ? .up : .down, counterLevels: 3, counterQuantityScale: 0.5, filters: filters)
            }
            if round % 3 == 2 {
                ladder.long = Simulation.scaled(ladder.long, by: random.next(), filters: filters, dropped: &ladder.dropped)
            }
            let prices = (ladder.long + ladder.short).map(\.price)
            let mid = prices.isEmpty || round % 4 == 0 ? ladder.center * (0.9 + random.next() * 0.2) : prices.randomElement(using: &random)!
            for long in [true, false] {
                let rungs = long ? ladder.long : ladder.short
                let full = rungs.reduce(0.0) { $0 + $1.quantity * $1.price }
                let held = random.next() * 200
                // Caps from far above everything wanted to well below it.
                let cap = held + full * (0.2 + random.next() * 1.2)
                let marginCap = round % 5 == 0 ? held + full * random.next() : .infinity
                let margin = held + random.next() * 50
                let reference = Self.selectSide(rungs, long: long, fitting: false, mid: mid, held: held, cap: cap, marginCap: marginCap, margin: margin)!
                if let shortcut = Self.selectSide(rungs, long: long, fitting: true, mid: mid, held: held, cap: cap, marginCap: marginCap, margin: margin) {
                    #expect(shortcut == reference, "mid \(mid), held \(held), cap \(cap), \(long ? "long" : "short") rungs \(rungs)")
                    fitted += 1
                } else {
                    #expect(!reference.included, "declined, yet select took every wanted rung: mid \(mid), cap \(cap)")
                    declined += 1
                }
            }
        }
        #expect(fitted > 400 && declined > 100)
    }
}

/// The memory `select` writes to.
private struct SelectionScratch {
    let positions: UnsafeMutablePointer<Int32>
    let wantedPositions: UnsafeMutablePointer<Int32>
    let notionals: UnsafeMutablePointer<Double>

    init(capacity: Int) {
        positions = .allocate(capacity: max(1, capacity))
        wantedPositions = .allocate(capacity: max(1, capacity))
        notionals = .allocate(capacity: max(1, capacity))
    }

    func deallocate() {
        positions.deallocate()
        wantedPositions.deallocate()
        notionals.deallocate()
    }
}

extension Array {
    fileprivate func randomElement(using random: inout SeededUniform) -> Element? {
        isEmpty ? nil : self[Swift.min(count - 1, Int(random.next() * Double(count)))]
    }
}
