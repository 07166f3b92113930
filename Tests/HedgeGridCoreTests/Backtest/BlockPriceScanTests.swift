@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// The quiet loop's scan of a block of 8 prices (`SIMD8.lowest`, `.highest`, `.total`) against the
/// plain minimum, maximum and sum, with the extreme in every lane in turn.
@Suite struct BlockPriceScanTests {
    @Test func theExtremesAreFoundInEveryLane() {
        var random = SeededUniform(seed: 7)
        for round in 0..<2_000 {
            var prices = (0..<8).map { _ in 1 + random.next() * 10 }
            let lane = round % 8
            prices[lane] = round % 16 < 8 ? 0.5 : 12  // the lowest, then the highest, in each lane
            let block = prices.withUnsafeBufferPointer { SIMD8<Double>(loadingFrom: $0.baseAddress!) }
            #expect(block.lowest == prices.min()!, "\(prices)")
            #expect(block.highest == prices.max()!, "\(prices)")
        }
    }

    @Test func aLaneThatIsNotFiniteMakesTheTotalNotFinite() {
        for lane in 0..<8 {
            for bad in [Double.nan, .infinity, -.infinity] {
                var prices = [Double](repeating: 2.5, count: 8)
                prices[lane] = bad
                let block = prices.withUnsafeBufferPointer { SIMD8<Double>(loadingFrom: $0.baseAddress!) }
                #expect(!block.total.isFinite, "lane \(lane), \(bad)")
            }
        }
    }
}
