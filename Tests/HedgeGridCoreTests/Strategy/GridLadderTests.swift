import HedgeGridCore
import Testing

/// Ladder prices and quantities, rounding, drops, placement policies and the funding guard.
@Suite struct GridLadderTests {
    let filters = InstrumentFilters(tickSize: 0.1, stepSize: 0.001, minQty: 0.001, minNotional: 5)

    @Test func pricesAndQuantitiesAreRoundedAndScaled() {
        let ladder = GridLadder(center: 1000.03, stepBps: 50, levelsLong: 3, levelsShort: 2, baseQuantity: 0.01, quantityScale: 1.5, filters: filters)
        #expect(abs(ladder.step - 5.00015) < 1e-12)
        // centre -/+ i * step = 995.02985, 990.0297, 985.02955 and 1005.03015, 1010.0303, to the 0.1 tick:
        #expect(ladder.long.map(\.price) == [995.0, 990.0, 985.0].map { filters.roundPrice($0) })
        #expect(ladder.short.map(\.price) == [1005.0, 1010.0].map { filters.roundPrice($0) })
        #expect(ladder.long.map(\.level) == [1, 2, 3])
        // 0.01, 0.015, 0.0225 -> floored to the 0.001 step
        #expect(ladder.long.map(\.quantity) == [0.01, 0.015, 0.022].map { filters.floorQuantity($0) })
        #expect(ladder.dropped == 0)
    }

    @Test func rungsUnderMinNotionalOrMinQtyAreDroppedAndCounted() {
        // 100 * 0.04 = 4 < 5 min notional for the small rungs; qty grows with the scale.
        let ladder = GridLadder(center: 100, stepBps: 100, levelsLong: 3, levelsShort: 3, baseQuantity: 0.04, quantityScale: 1.3, filters: filters)
        // long: 99 * 0.04 = 3.96 (drop), 98 * 0.052 = 5.096 (keep), 97 * 0.0676->0.067 = 6.5 (keep)
        #expect(ladder.long.map(\.level) == [2, 3])
        // short: 101 * 0.04 = 4.04 (drop), 102 * 0.052 = 5.3 (keep), 103 * 0.067 (keep)
        #expect(ladder.short.map(\.level) == [2, 3])
        #expect(ladder.dropped == 2)
        let tiny = GridLadder(center: 100, stepBps: 100, levelsLong: 2, levelsShort: 0, baseQuantity: 0.0004, quantityScale: 1, filters: filters)
        #expect(tiny.long.isEmpty)
        #expect(tiny.dropped == 2)
    }

    @Test func throttledCounterTrimsOnlyTheCounterSide() {
        var ladder = GridLadder(center: 1000, stepBps: 50, levelsLong: 6, levelsShort: 6, baseQuantity: 0.02, quantityScale: 1, filters: filters)
        PlacementPolicy.throttledCounter.apply(to: &ladder, regime: .up, counterLevels: 2, counterQuantityScale: 0.5, filters: filters)
        #expect(ladder.long.count == 6)
        #expect(ladder.short.map(\.level) == [1, 2])
        #expect(ladder.short.allSatisfy { $0.quantity == 0.01 })
        var down = GridLadder(center: 1000, stepBps: 50, levelsLong: 6, levelsShort: 6, baseQuantity: 0.02, quantityScale: 1, filters: filters)
        PlacementPolicy.throttledCounter.apply(to: &down, regime: .down, counterLevels: 3, counterQuantityScale: 0.5, filters: filters)
        #expect(down.long.count == 3)
        #expect(down.short.count == 6)
        var sideways = GridLadder(center: 1000, stepBps: 50, levelsLong: 6, levelsShort: 6, baseQuantity: 0.02, quantityScale: 1, filters: filters)
        let untouched = sideways
        PlacementPolicy.throttledCounter.apply(to: &sideways, regime: .sideways, counterLevels: 2, counterQuantityScale: 0.5, filters: filters)
        #expect(sideways == untouched)
    }

    @Test func coreAndScalpAlsoCutsTheTrendSideAtFullQuantity() {
        var ladder = GridLadder(center: 1000, stepBps: 50, levelsLong: 6, levelsShort: 6, baseQuantity: 0.02, quantityScale: 1, filters: filters)
        PlacementPolicy.coreAndScalp.apply(to: &ladder, regime: .up, counterLevels: 2, counterQuantityScale: 0.5, filters: filters)
        #expect(ladder.long.map(\.level) == [1, 2])
        #expect(ladder.long.allSatisfy { $0.quantity == 0.02 })
        #expect(ladder.short.map(\.quantity) == [0.01, 0.01])
    }

    @Test func throttledQuantityUnderTheFiltersIsDropped() {
        var ladder = GridLadder(center: 100, stepBps: 50, levelsLong: 3, levelsShort: 3, baseQuantity: 0.06, quantityScale: 1, filters: filters)
        PlacementPolicy.throttledCounter.apply(to: &ladder, regime: .down, counterLevels: 3, counterQuantityScale: 0.5, filters: filters)
        // 0.03 * ~99 = 2.97 < 5
        #expect(ladder.long.isEmpty)
        #expect(ladder.dropped == 3)
    }

    @Test func fundingGuardScalesThePayingSideInsideItsWindow() {
        let guardrail = FundingGuard(windowMinutes: 480, maxCostBps: 12)
        // 0.0005 * 1e4 * (480 / 60 / 8) = 5 bps: under the threshold, nothing scaled.
        #expect(guardrail.scales(minutesToFunding: 100, rate: 0.0005, intervalHours: 8) == (1, 1))
        // 0.002 -> 20 bps: longs pay; 120 of 480 minutes left -> 0.25.
        #expect(guardrail.scales(minutesToFunding: 120, rate: 0.002, intervalHours: 8) == (0.25, 1))
        // Negative rate: shorts pay.
        #expect(guardrail.scales(minutesToFunding: 240, rate: -0.002, intervalHours: 8) == (1, 0.5))
        // Outside the window: nothing.
        #expect(guardrail.scales(minutesToFunding: 481, rate: 0.002, intervalHours: 8) == (1, 1))
        // A 4-hour interval doubles the projected cost: 0.0008 -> 8 bps * 2 = 16 > 12.
        #expect(guardrail.scales(minutesToFunding: 240, rate: 0.0008, intervalHours: 4).long == 0.5)
    }
}
