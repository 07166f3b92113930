@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `EntryEdges`: the two nearest entry prices of each side, whatever order the entries come in.
@Suite struct EntryEdgesTests {
    @Test func theTwoNearestPricesOfEachSideInAnyOrder() {
        var random = SeededUniform(seed: 5)
        for round in 0..<500 {
            let count = round % 7
            // Few distinct prices, so two entries often share one.
            let longs = (0..<count).map { _ in 90 + Double(Int(random.next() * 4)) }
            let shorts = (0..<count).map { _ in 100 + Double(Int(random.next() * 4)) }
            var edges = EntryEdges()
            for (long, short) in zip(longs, shorts) {
                edges.addLong(long)
                edges.addShort(short)
            }
            let longsDown = longs.sorted(by: >)
            let shortsUp = shorts.sorted()
            #expect(edges.nearestLong == (longsDown.first ?? -.infinity) && edges.secondLong == (longsDown.dropFirst().first ?? -.infinity), "\(longs)")
            #expect(edges.nearestShort == (shortsUp.first ?? .infinity) && edges.secondShort == (shortsUp.dropFirst().first ?? .infinity), "\(shorts)")
        }
    }

    /// A NaN price (which no segment reaches) never becomes an edge, and after the nearest price
    /// it pulls the second edge up to it: a segment then takes the shortcut only when it reaches
    /// nothing on that side.
    @Test func aNaNPriceIsNeverAnEdgeAndNeverLetsTheShortcutMissAnEntry() {
        var edges = EntryEdges()
        for price in [.nan, 95, 97] as [Double] { edges.addLong(price) }
        for price in [.nan, 105, 103] as [Double] { edges.addShort(price) }
        #expect(edges == EntryEdges(nearestLong: 97, secondLong: 95, nearestShort: 103, secondShort: 105))
        edges.addLong(.nan)
        edges.addShort(.nan)
        #expect(edges == EntryEdges(nearestLong: 97, secondLong: 97, nearestShort: 103, secondShort: 103))
    }
}
