@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `CapsChoiceRange`: at every mid inside it the caps choose the last reconciled rungs again, as
/// `Simulation.capsChoice` works them out at that mid, and its ends lie where a choice changes.
@Suite struct CapsChoiceRangeTests {
    struct Account {
        var cash: Double
        var long: SidePosition
        var short: SidePosition
        var capFraction: Double?
        var leverage: Double

        func value(at mid: Double) -> Double {
            cash + long.quantity * (mid - long.averagePrice) + short.quantity * (short.averagePrice - mid)
        }

        /// The caps' choice at `mid`, as the quiet loop and the general path work it out (into `buffers.current`).
        func choice(_ buffers: SelectionBuffers, mid: Double) -> (longCount: Int, count: Int, included: Bool) {
            let value = value(at: mid)
            let choice = Simulation.capsChoice(
                buffers, longHeld: long.quantity * mid, shortHeld: short.quantity * mid, cap: capFraction.map { value * $0 } ?? .infinity,
                marginCap: max(0, value) * leverage, into: buffers.current)
            return (choice.longCount, choice.count, choice.included)
        }

        func keepsLastChoice(_ buffers: SelectionBuffers, mid: Double) -> Bool {
            let choice = choice(buffers, mid: mid)
            return buffers.currentEqualsPrevious(count: choice.count, longCount: choice.longCount) && !choice.included
        }
    }

    static func side(_ quantity: Double, at price: Double) -> SidePosition {
        var position = SidePosition()
        if quantity > 0 { position.open(quantity, at: price) }
        return position
    }

    /// Random wanted rungs (ladder positions ascending per side) with their notionals.
    static func wantRungs(_ buffers: SelectionBuffers, longCount: Int, shortCount: Int, random: inout SeededUniform) {
        for offset in 0..<(longCount + shortCount) {
            buffers.wantedPositions[offset] = Int32(offset < longCount ? offset : offset - longCount)
            buffers.wantedNotionals[offset] = 10 + random.next() * 400
        }
        buffers.wantedLongCount = longCount
        buffers.wantedCount = longCount + shortCount
    }

    @Test func everyMidInsideKeepsTheChoiceAndTheEndsAreWhereItChanges() {
        var random = SeededUniform(seed: 23)
        let buffers = SelectionBuffers(levelsLong: 8, levelsShort: 8)
        defer { buffers.deallocate() }
        var ranges = 0
        var containsOwnMid = 0
        var insideChecked = 0
        var ends = 0
        var endsWhereChoiceChanges = 0
        for _ in 0..<3_000 {
            let account = Account(
                cash: 500 + random.next() * 5_000, long: Self.side(random.next() < 0.3 ? 0 : (random.next() * 800).rounded(), at: 2 + random.next() * 6),
                short: Self.side(random.next() < 0.3 ? 0 : (random.next() * 800).rounded(), at: 2 + random.next() * 6),
                capFraction: random.next() < 0.2 ? nil : 0.05 + random.next() * 0.9, leverage: 1 + (random.next() * 9).rounded())
            Self.wantRungs(buffers, longCount: Int(random.next() * 7), shortCount: Int(random.next() * 7), random: &random)
            let mid = 2 + random.next() * 6
            // The last reconciled choice is the caps' choice at this mid.
            let choice = account.choice(buffers, mid: mid)
            buffers.keepCurrent(count: choice.count, longCount: choice.longCount)
            let range = CapsChoiceRange(
                buffers: buffers, cash: account.cash, long: account.long, short: account.short, capFraction: account.capFraction,
                leverage: account.leverage, mid: mid)
            guard range.low < range.high else {
                // Empty only when nothing is left out (no cap binds), or right at a turning point.
                if !choice.included { #expect(!range.contains(mid)) }
                continue
            }
            #expect(!choice.included, "a range while every wanted rung is taken")
            ranges += 1
            // It holds the mid it was worked out at, unless equity is not positive there (the range
            // keeps it positive; the choice at such a mid leaves every rung out, and can again elsewhere).
            if range.contains(mid) || account.value(at: mid) <= 0 { containsOwnMid += 1 }
            var inside = [range.low.nextUp, range.high.nextDown]
            for _ in 0..<8 { inside.append(range.low + random.next() * (range.high - range.low)) }
            for price in inside where range.contains(price) {
                insideChecked += 1
                #expect(account.keepsLastChoice(buffers, mid: price), "mid \(price) inside \(range.low)...\(range.high) changes the choice made at \(mid)")
            }
            // Just outside an end that a comparison set (not the half-to-twice bound), the choice changes
            // unless a rung left out by one cap is still left out by the other.
            for (end, outward) in [(range.low, -1.0), (range.high, 1.0)] where end != mid / 2 && end != 2 * mid {
                ends += 1
                if !account.keepsLastChoice(buffers, mid: end * (1 + outward * 1e-9)) { endsWhereChoiceChanges += 1 }
            }
        }
        #expect(ranges > 800, "caps should bind in many cases (\(ranges))")
        #expect(containsOwnMid == ranges, "a range should hold the mid it was worked out at (\(containsOwnMid) of \(ranges))")
        #expect(insideChecked > 7_000)
        #expect(endsWhereChoiceChanges * 10 > ends * 8, "\(endsWhereChoiceChanges) of \(ends) ends are where the choice changes")
    }

    @Test func noRangeWhenEveryRungIsTakenOrTheLastChoiceIsNotAChoiceAmongTheWanted() {
        var random = SeededUniform(seed: 5)
        let buffers = SelectionBuffers(levelsLong: 4, levelsShort: 4)
        defer { buffers.deallocate() }
        Self.wantRungs(buffers, longCount: 3, shortCount: 3, random: &random)
        let rich = Account(cash: 1e9, long: SidePosition(), short: SidePosition(), capFraction: 0.5, leverage: 5)
        let taken = rich.choice(buffers, mid: 4)
        #expect(taken.included && taken.count == 6)
        buffers.keepCurrent(count: taken.count, longCount: taken.longCount)
        #expect(CapsChoiceRange(buffers: buffers, cash: rich.cash, long: rich.long, short: rich.short, capFraction: 0.5, leverage: 5, mid: 4) == .empty)
        // A last choice holding a rung that is not wanted (position 3 on the long side).
        let poor = Account(cash: 300, long: SidePosition(), short: SidePosition(), capFraction: 0.5, leverage: 5)
        buffers.current[0] = 3
        buffers.keepCurrent(count: 1, longCount: 1)
        #expect(!poor.keepsLastChoice(buffers, mid: 4))
        #expect(CapsChoiceRange(buffers: buffers, cash: poor.cash, long: poor.long, short: poor.short, capFraction: 0.5, leverage: 5, mid: 4) == .empty)
    }

    /// The general path's first test: with every wanted rung taken (notionals per side), they all still fit at `mid`.
    static func allStillFit(_ account: Account, longNotional: Double, shortNotional: Double, mid: Double) -> Bool {
        let value = account.value(at: mid)
        let cap = account.capFraction.map { value * $0 } ?? .infinity
        let (longHeld, shortHeld) = (account.long.quantity * mid, account.short.quantity * mid)
        return longHeld + longNotional <= cap && shortHeld + shortNotional <= cap
            && longHeld + shortHeld + longNotional + shortNotional <= max(0, value) * account.leverage
    }

    @Test func everyMidInsideTheAllTakenRangeStillFitsEveryRung() {
        var random = SeededUniform(seed: 29)
        var (ranges, insideChecked, ends, endsWhereTestTurns) = (0, 0, 0, 0)
        for _ in 0..<3_000 {
            let account = Account(
                cash: 500 + random.next() * 5_000, long: Self.side(random.next() < 0.3 ? 0 : (random.next() * 800).rounded(), at: 2 + random.next() * 6),
                short: Self.side(random.next() < 0.3 ? 0 : (random.next() * 800).rounded(), at: 2 + random.next() * 6),
                capFraction: random.next() < 0.2 ? nil : 0.05 + random.next() * 0.9, leverage: 1 + (random.next() * 9).rounded())
            let (longNotional, shortNotional) = (random.next() * 1_500, random.next() * 1_500)
            let mid = 2 + random.next() * 6
            let range = CapsChoiceRange(
                allTakenWith: longNotional, shortNotional, cash: account.cash, long: account.long, short: account.short,
                capFraction: account.capFraction, leverage: account.leverage, mid: mid)
            let fits = Self.allStillFit(account, longNotional: longNotional, shortNotional: shortNotional, mid: mid)
            guard range.low < range.high else { continue }
            ranges += 1
            if fits { #expect(range.contains(mid) || account.value(at: mid) <= 0) }
            var inside = [range.low.nextUp, range.high.nextDown]
            for _ in 0..<8 { inside.append(range.low + random.next() * (range.high - range.low)) }
            for price in inside where range.contains(price) {
                insideChecked += 1
                #expect(Self.allStillFit(account, longNotional: longNotional, shortNotional: shortNotional, mid: price), "mid \(price) in \(range)")
            }
            for (end, outward) in [(range.low, -1.0), (range.high, 1.0)] where end != mid / 2 && end != 2 * mid {
                ends += 1
                if !Self.allStillFit(account, longNotional: longNotional, shortNotional: shortNotional, mid: end * (1 + outward * 1e-9)) {
                    endsWhereTestTurns += 1
                }
            }
        }
        #expect(ranges > 800 && insideChecked > 7_000, "\(ranges) ranges, \(insideChecked) mids inside")
        #expect(endsWhereTestTurns == ends && ends > 300, "\(endsWhereTestTurns) of \(ends) ends are where the test turns")
    }
}
