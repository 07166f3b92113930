import Foundation
@testable import HedgeGridOptimization
import Testing

/// The Parzen estimator against a direct sum of its truncated normals.
@Suite struct ParzenEstimatorTests {
    @Test func theFastExponentialMatchesLibm() {
        for step in 0...2_000 {
            let x = -Double(step) * 0.03
            let expected = Foundation.exp(x)
            #expect(abs(ParzenEstimator.exp(x) - expected) <= 1e-10 * expected, "x = \(x)")
        }
    }

    @Test func theFourWideExponentialMatchesLibm() {
        for step in stride(from: 0, through: 2_000, by: 4) {
            let x = -(SIMD4<Double>(repeating: Double(step)) + SIMD4<Double>(0, 1, 2, 3)) * 0.03
            let values = ParzenEstimator.exp(x)
            for lane in 0..<4 {
                let expected = Foundation.exp(x[lane])
                #expect(abs(values[lane] - expected) <= 1e-10 * expected, "x = \(x[lane])")
            }
        }
    }

    @Test func densityMatchesADirectSumOfTruncatedNormals() {
        var generator = SeededGenerator(seed: 4)
        let observations = (0..<300).map { _ in generator.unit() * 10 }.sorted()
        let weights = TPESampler.weights(observations.count)
        let estimator = ParzenEstimator(sortedObservations: observations, weights: weights, low: 0, high: 10, priorWeight: 1)
        // The reference: Optuna's construction written out plainly.
        var mus = observations + [5.0]
        var componentWeights = weights + [1.0]
        let order = mus.indices.sorted { mus[$0] < mus[$1] || (mus[$0] == mus[$1] && $0 < $1) }
        mus = order.map { mus[$0] }
        componentWeights = order.map { componentWeights[$0] }
        let minimum = 10.0 / min(100, 1 + Double(mus.count))
        var sigmas = mus.indices.map { index -> Double in
            let left = index == 0 ? mus[1] - mus[0] : mus[index] - mus[index - 1]
            let right = index == mus.count - 1 ? mus[index] - mus[index - 1] : mus[index + 1] - mus[index]
            return min(max(max(left, right), minimum), 10)
        }
        sigmas[order.firstIndex(of: observations.count)!] = 10
        let total = componentWeights.reduce(0, +)
        func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.squareRoot()) }
        for step in 0...200 {
            let x = Double(step) * 0.05
            var density = 0.0
            for index in mus.indices {
                let z = (x - mus[index]) / sigmas[index]
                let mass = cdf((10 - mus[index]) / sigmas[index]) - cdf((0 - mus[index]) / sigmas[index])
                density += componentWeights[index] / total * Foundation.exp(-0.5 * z * z) / (sigmas[index] * (2 * Double.pi).squareRoot() * mass)
            }
            // Components beyond 6 sigmas are left out (each under e^-18 of its peak).
            #expect(abs(estimator.logDensity(x) - Foundation.log(density)) < 1e-7, "x = \(x)")
        }
    }
}
