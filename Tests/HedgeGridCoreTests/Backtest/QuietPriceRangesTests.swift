@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// The quiet bars' price ranges: a price inside one passes the exact test it stands for, and the
/// range ends close to where the exact test turns (so it is not simply empty or far too narrow).
@Suite struct QuietPriceRangesTests {
    /// The general path's liquidation test at one price.
    static func liquidates(at price: Double, cash: Double, long: SidePosition, short: SidePosition, maintenance: Double) -> Bool {
        let equity = cash + long.quantity * (price - long.averagePrice) + short.quantity * (short.averagePrice - price)
        return equity < (long.quantity + short.quantity) * price * maintenance
    }

    static func side(_ quantity: Double, at price: Double) -> SidePosition {
        var position = SidePosition()
        position.open(quantity, at: price)
        return position
    }

    @Test func pricesInsideTheLiquidationRangeDoNotLiquidateAndTheRangeIsTight() {
        var random = SeededUniform(seed: 7)
        func uniform() -> Double { random.next() }
        var boundariesSeen = 0
        for _ in 0..<2_000 {
            // Accounts from comfortable to nearly wiped out, net long, net short or hedged.
            let long = uniform() < 0.2 ? SidePosition() : Self.side((uniform() * 1_000).rounded() + 1, at: 1 + uniform() * 9)
            let short = uniform() < 0.2 ? SidePosition() : Self.side((uniform() * 1_000).rounded() + 1, at: 1 + uniform() * 9)
            let cash = (uniform() - 0.3) * 5_000
            let maintenance = uniform() * 0.02
            let range = QuietPriceRanges.liquidationSafeRange(cash: cash, long: long, short: short, maintenance: maintenance)
            for _ in 0..<20 {
                let price = 0.01 + uniform() * 30
                if price > range.low && price < range.high {
                    #expect(!Self.liquidates(at: price, cash: cash, long: long, short: short, maintenance: maintenance), "cash \(cash) at \(price)")
                }
            }
            // Just past a finite end, the exact test liquidates.
            for (end, outward) in [(range.low, -1.0), (range.high, 1.0)] where end > 0.01 && end.isFinite {
                boundariesSeen += 1
                let beyond = end * (1 + outward * 1e-6)
                #expect(Self.liquidates(at: beyond, cash: cash, long: long, short: short, maintenance: maintenance), "cash \(cash) at \(beyond)")
            }
        }
        #expect(boundariesSeen > 300, "the accounts should reach liquidation prices often")
    }

    @Test func aFlatAccountIsSafeAtEveryPriceAndAnIndebtedOneNowhere() {
        let none = SidePosition()
        let flat = QuietPriceRanges.liquidationSafeRange(cash: 1_000, long: none, short: none, maintenance: 0.004)
        #expect(flat.low == 0 && flat.high == .infinity)
        // Hedged with more debt than the positions can ever be worth: never safe.
        let wiped = QuietPriceRanges.liquidationSafeRange(
            cash: -10_000, long: Self.side(10, at: 5), short: Self.side(10, at: 5), maintenance: 0.004)
        #expect(!(wiped.low < wiped.high))
    }

    @Test func midInsideItsRangeNeitherRecentersNorLeavesItsBand() {
        let none = SidePosition()
        let center = 4.1234
        let trigger = 200.0
        let ranges = QuietPriceRanges(
            cash: 1_000, long: none, short: none, maintenance: 0.004, center: center, recenterTriggerBps: trigger, bandLow: 4.05, bandHigh: 4.3)
        #expect(ranges.midLow == 4.05)  // the band is narrower than the recentering distance below
        #expect(ranges.midHigh > 4.2058 && ranges.midHigh < 4.205868)  // centre * 1.02 = 4.205868
        for step in 0..<10_000 {
            let mid = 3.9 + Double(step) * 0.00005
            let recenters = abs(mid - center) / center * 1e4 > trigger
            let inBand = mid > 4.05 && mid < 4.3
            if mid > ranges.midLow && mid < ranges.midHigh {
                #expect(!recenters && inBand, "mid \(mid)")
            }
            if recenters { #expect(mid >= ranges.midHigh || mid <= ranges.midLow, "mid \(mid)") }
        }
        let off = QuietPriceRanges(
            cash: 1_000, long: none, short: none, maintenance: 0.004, center: center, recenterTriggerBps: nil, bandLow: 4.0, bandHigh: 4.3)
        #expect(off.midLow == 4.0 && off.midHigh == 4.3)
        let zeroTrigger = QuietPriceRanges(
            cash: 1_000, long: none, short: none, maintenance: 0.004, center: center, recenterTriggerBps: 0, bandLow: 4.0, bandHigh: 4.3)
        #expect(!(zeroTrigger.midLow < zeroTrigger.midHigh), "no margin can be kept: every bar takes the exact tests")
    }
}
