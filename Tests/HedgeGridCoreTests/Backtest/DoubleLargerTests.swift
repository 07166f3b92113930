@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `Double.larger` is `Swift.max` in all but the sign of an equal zero, as its documentation says.
@Suite struct DoubleLargerTests {
    @Test func itIsTheLargerValueAsMaxIs() {
        var random = SeededUniform(seed: 11)
        for _ in 0..<10_000 {
            let (first, second) = ((random.next() - 0.5) * 200, (random.next() - 0.5) * 200)
            #expect(Double.larger(first, second) == max(first, second))
            #expect(Double.larger(first, first) == first)
        }
        #expect(Double.larger(-.infinity, 3) == 3 && Double.larger(3, .infinity) == .infinity)
    }

    @Test func onNaNItAgreesWithMaxAndOnEqualZerosItKeepsTheFirst() {
        #expect(Double.larger(2, .nan) == 2 && max(2, Double.nan) == 2)
        #expect(Double.larger(.nan, 2).isNaN && max(Double.nan, 2).isNaN)
        #expect(Double.larger(-0.0, 0.0).sign == .minus && max(-0.0, 0.0).sign == .plus)
    }
}
