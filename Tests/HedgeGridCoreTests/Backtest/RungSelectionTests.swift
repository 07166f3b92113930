@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `Simulation.select`'s band: the prices of mid over which every rung keeps its wanted status
/// (longs below mid, shorts above), so a decision can be reused while mid stays inside it.
@Suite struct RungSelectionTests {
    /// The wanted rungs of both sides at `mid` (uncapped) and the band `select` reports.
    static func wanted(_ ladder: GridLadder, mid: Double) -> (long: [Int32], short: [Int32], band: (low: Double, high: Double)) {
        let capacity = ladder.long.count + ladder.short.count
        let positions = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let wantedPositions = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let notionals = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        defer {
            positions.deallocate()
            wantedPositions.deallocate()
            notionals.deallocate()
        }
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
}

extension Array {
    fileprivate func randomElement(using random: inout SeededUniform) -> Element? {
        isEmpty ? nil : self[Swift.min(count - 1, Int(random.next() * Double(count)))]
    }
}
