import Foundation

/// A one-dimensional mixture of truncated normals over [low, high] in the sampler's internal
/// space, built from weighted observations plus a prior at the centre, with Optuna's bandwidth
/// rule: each component's sigma is the larger distance to its neighbours (the prior included,
/// the outermost components using their inner neighbour), clipped to
/// [(high - low) / min(100, 1 + n + 1), high - low] ("magic clip"); the prior's sigma is the span.
///
/// Built from observations already in increasing order (a `SampleHistory` keeps them so), it
/// costs O(n) without a logarithm per component. A density sums only the components within 7
/// sigmas of the point (each one left out weighs less than e^-24, 4e-11, of its peak); narrow
/// components within 7 * 1.5 minimum sigmas are summed without a test.
struct ParzenEstimator {
    let low: Double
    let high: Double
    /// Components with sigma <= `narrowSigma` (most of them), by mu: mu, 1 / sigma and the
    /// density factor weight / (sigma * sqrt(2 pi) * mass inside [low, high]).
    private var narrowMus: [Double] = []
    private var narrowInverseSigmas: [Double] = []
    private var narrowFactors: [Double] = []
    /// The wide ones (few: the prior, isolated points), always summed.
    private var wideMus: [Double] = []
    private var wideInverseSigmas: [Double] = []
    private var wideFactors: [Double] = []
    private var narrowSigma = 0.0
    /// Every component by mu, with running sums of the normalised weights, to draw from (only
    /// kept when the estimator is built for sampling).
    private var mus: [Double] = []
    private var sigmas: [Double] = []
    private var cumulativeWeights: [Double] = []
    private static let cutoff = 7.0

    /// `sortedObservations` in increasing order, `weights` aligned with them.
    init(sortedObservations observations: [Double], weights: [Double], low: Double, high: Double, priorWeight: Double, forSampling: Bool = true) {
        self.low = low
        self.high = high
        let span = max(high - low, 1e-12)
        let prior = (low + high) / 2
        // The prior takes its place in the order (after equal values).
        var position = 0
        var upper = observations.count
        while position < upper {
            let middle = (position + upper) / 2
            if observations[middle] <= prior { position = middle + 1 } else { upper = middle }
        }
        let count = observations.count + 1
        @inline(__always) func mu(_ index: Int) -> Double {
            index < position ? observations[index] : index == position ? prior : observations[index - 1]
        }
        @inline(__always) func weight(_ index: Int) -> Double {
            index < position ? weights[index] : index == position ? priorWeight : weights[index - 1]
        }
        let minimum = span / min(100, 1 + Double(count))
        narrowSigma = minimum * 1.5
        let total = weights.reduce(priorWeight, +)
        let factor = 1 / (total * (2 * Double.pi).squareRoot())
        narrowMus.reserveCapacity(count)
        narrowInverseSigmas.reserveCapacity(count)
        narrowFactors.reserveCapacity(count)
        if forSampling {
            mus.reserveCapacity(count)
            sigmas.reserveCapacity(count)
            cumulativeWeights.reserveCapacity(count)
        }
        var running = 0.0
        for index in 0..<count {
            let center = mu(index)
            var sigma = span
            if index != position && count > 1 {
                // Endpoints are not considered: the outermost components use their inner neighbour.
                let left = index == 0 ? mu(1) - center : center - mu(index - 1)
                let right = index == count - 1 ? center - mu(index - 1) : mu(index + 1) - center
                sigma = min(max(max(left, right), minimum), span)
            }
            let inverse = 1 / sigma
            // More than 9 sigmas from both bounds the truncated mass is 1 at double precision.
            var mass = 1.0
            if (high - center) * inverse < 9 || (center - low) * inverse < 9 {
                mass = Self.cdf((high - center) * inverse) - Self.cdf((low - center) * inverse)
            }
            let w = weight(index)
            let density = w * factor * inverse / max(mass, 1e-300)
            if sigma <= narrowSigma {
                narrowMus.append(center)
                narrowInverseSigmas.append(inverse)
                narrowFactors.append(density)
            } else {
                wideMus.append(center)
                wideInverseSigmas.append(inverse)
                wideFactors.append(density)
            }
            if forSampling {
                running += w / total
                mus.append(center)
                sigmas.append(sigma)
                cumulativeWeights.append(running)
            }
        }
    }

    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.squareRoot()) }

    /// log density of the mixture at x.
    func logDensity(_ x: Double) -> Double {
        var sum = narrowSum(x)
        for index in wideMus.indices {
            let z = (x - wideMus[index]) * wideInverseSigmas[index]
            if abs(z) < Self.cutoff { sum += wideFactors[index] * Self.exp(-0.5 * z * z) }
        }
        return sum > 0 ? Foundation.log(sum) : -.infinity
    }

    /// The narrow components' density at x. Within the reach every narrow component has
    /// |z| <= 1.5 * cutoff, so e^(-z^2/2) stays a normal double and the sum needs no test.
    private func narrowSum(_ x: Double) -> Double {
        let reach = Self.cutoff * narrowSigma
        return narrowMus.withUnsafeBufferPointer { mus in
            narrowInverseSigmas.withUnsafeBufferPointer { inverse in
                narrowFactors.withUnsafeBufferPointer { factors in
                    var sum = 0.0
                    var position = Self.lowerBound(mus, x - reach)
                    let end = x + reach
                    while position < mus.count && mus[position] <= end {
                        let z = (x - mus[position]) * inverse[position]
                        sum += factors[position] * Self.exp(-0.5 * z * z)
                        position += 1
                    }
                    return sum
                }
            }
        }
    }

    /// e^x for x in [-(1.5 cutoff)^2 / 2, 0]: 2^n * 2^f with |f| <= 1/2 and a degree-9 Taylor
    /// polynomial of e^(f ln 2) (relative error below 1e-10), without libm's special cases.
    @inline(__always) static func exp(_ x: Double) -> Double {
        // Round to nearest by the 1.5 * 2^52 trick (no libm call).
        let t = x * 1.4426950408889634
        let n = (t + 6_755_399_441_055_744.0) - 6_755_399_441_055_744.0
        let y = (t - n) * 0.6931471805599453
        // Estrin's scheme: short dependency chains.
        let y2 = y * y
        let y4 = y2 * y2
        let a = 1 + y
        let b = 0.5 + y * (1.0 / 6)
        let c = 1.0 / 24 + y * (1.0 / 120)
        let d = 1.0 / 720 + y * (1.0 / 5_040)
        let e = 1.0 / 40_320 + y * (1.0 / 362_880)
        let p = (a + y2 * b) + y4 * ((c + y2 * d) + y4 * e)
        return p * Double(bitPattern: UInt64(1023 + Int(n)) << 52)
    }

    /// The first index with value >= `value`.
    private static func lowerBound(_ values: UnsafeBufferPointer<Double>, _ value: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Draws from the mixture (a component by weight, then its truncated normal).
    func sample(using generator: inout SeededGenerator) -> Double {
        precondition(!mus.isEmpty, "built without forSampling")
        let pick = generator.unit() * (cumulativeWeights.last ?? 1)
        var first = 0
        var last = cumulativeWeights.count - 1
        while first < last {
            let middle = (first + last) / 2
            if cumulativeWeights[middle] < pick { first = middle + 1 } else { last = middle }
        }
        let component = first
        for _ in 0..<100 {
            let x = mus[component] + sigmas[component] * generator.normal()
            if x >= low && x <= high { return x }
        }
        return min(max(mus[component], low), high)
    }
}
