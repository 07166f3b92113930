@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// Rounding to the filters: the exit prices of every fill go through `roundPrice`.
@Suite struct InstrumentFiltersTests {
    /// The same bits as the standard library's `rounded()` (halves away from zero), wherever it is asked.
    static func sameAsLibrary(_ value: Double) -> Bool {
        let ours = InstrumentFilters.nearestInteger(value)
        let library = value.rounded()
        return ours.bitPattern == library.bitPattern || (ours.isNaN && library.isNaN)
    }

    @Test func nearestIntegerIsTheLibrarysRoundingOnEdges() {
        let edges: [Double] = [
            0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0.5000000000000001,
            1e-300, -1e-300, .leastNonzeroMagnitude, 0x1p52 - 0.5, -(0x1p52 - 0.5), 0x1p52 - 1.5, 0x1p52, 0x1p52 + 1, 0x1p53 + 2,
            -0x1p53, 1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 98.995 / 0.001, 4503599627370495.5,
        ]
        for value in edges {
            #expect(Self.sameAsLibrary(value), "nearestInteger(\(value)) = \(InstrumentFilters.nearestInteger(value)), rounded() = \(value.rounded())")
        }
        #expect(InstrumentFilters.nearestInteger(-0.3).sign == .minus, "the sign of a value that rounds to zero is kept, as rounded() keeps it")
    }

    @Test func nearestIntegerIsTheLibrarysRoundingOnRandomValues() {
        var random = SeededUniform(seed: 77)
        var checked = 0
        for _ in 0..<200_000 {
            // Magnitudes from 1e-6 to 1e18, both signs, and halves on purpose.
            let exponent = Int(random.next() * 24) - 6
            var magnitude = 1 + random.next() * 9
            for _ in 0..<abs(exponent) { magnitude = exponent < 0 ? magnitude / 10 : magnitude * 10 }
            var value = random.next() < 0.5 ? -magnitude : magnitude
            if random.next() < 0.2 { value = (value.rounded(.down) + 0.5) }
            if Self.sameAsLibrary(value) { checked += 1 } else { Issue.record("nearestInteger(\(value)) differs from rounded()") }
        }
        #expect(checked == 200_000)
    }

    @Test func pricesRoundToTheTickAndQuantitiesFloorToTheStep() {
        let filters = InstrumentFilters(tickSize: 0.001, stepSize: 0.1, minQty: 0.1, minNotional: 5)
        #expect(filters.roundPrice(2.3455) == 2.346)
        #expect(filters.roundPrice(2.34549) == 2.345)
        #expect(filters.roundPrice(-2.3455) == -2.346)
        #expect(filters.roundPrice(98.99) == 98.99)
        #expect(filters.floorQuantity(1.29) == 1.2)
        #expect(filters.floorQuantity(1.3) == 1.3)
    }
}
