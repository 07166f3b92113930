import Foundation

/// A one-dimensional mixture of truncated normals over [low, high] in the sampler's internal
/// space, built from weighted observations plus a prior at the centre, with Optuna's bandwidth
/// rule: each component's sigma is the larger distance to its neighbours (the prior included,
/// the outermost components using their inner neighbour), clipped to
/// [(high - low) / min(100, 1 + n + 1), high - low] ("magic clip"); the prior's sigma is the span.
///
/// Built from observations already in increasing order (a `SampleHistory` keeps them so), it
/// costs O(n) without a logarithm per component. A density sums only the components within 6
/// sigmas of the point (each one left out weighs less than e^-18, 2e-8, of its peak), found by
/// binary searches over the components sorted by mu.
struct ParzenEstimator {
    let low: Double
    let high: Double
    /// The smallest sigma (the magic clip); most components have exactly this one.
    private var minimumSigma = 1.0
    /// Components whose sigma is the minimum, by mu, with their density factors
    /// weight / (sigma * sqrt(2 pi) * mass inside [low, high]).
    private var narrowMus: [Double] = []
    private var narrowFactors: [Double] = []
    /// The other components except the prior (few: isolated points, edges of clusters of equal
    /// values), by mu, with 1 / sigma, their factors and the largest of their sigmas.
    private var wideMus: [Double] = []
    private var wideInverseSigmas: [Double] = []
    private var wideFactors: [Double] = []
    private var widestSigma = 0.0
    /// The prior: centre, 1 / sigma (the span) and factor.
    private var priorMu = 0.0
    private var priorInverseSigma = 1.0
    private var priorFactor = 0.0
    /// Every component by mu, with running sums of the normalised weights, to draw from (only
    /// kept when the estimator is built for sampling).
    private var mus: [Double] = []
    private var sigmas: [Double] = []
    private var cumulativeWeights: [Double] = []
    private static let cutoff = 6.0

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
        let minimum = span / min(100, 1 + Double(count))
        minimumSigma = minimum
        let total = weights.reduce(priorWeight, +)
        let factor = 1 / (total * (2 * Double.pi).squareRoot())
        // More than 6 sigmas inside both bounds the truncated mass differs from 1 by under 1e-9.
        @inline(__always) func mass(_ center: Double, _ inverse: Double) -> Double {
            let upperZ = (high - center) * inverse
            let lowerZ = (low - center) * inverse
            return (upperZ > 6 ? 1 : Self.cdf(upperZ)) - (lowerZ < -6 ? 0 : Self.cdf(lowerZ))
        }
        priorMu = prior
        priorInverseSigma = 1 / span
        priorFactor = priorWeight * factor * priorInverseSigma / max(mass(prior, priorInverseSigma), 1e-300)
        narrowMus.reserveCapacity(count)
        narrowFactors.reserveCapacity(count)
        if forSampling {
            mus.reserveCapacity(count)
            sigmas.reserveCapacity(count)
            cumulativeWeights.reserveCapacity(count)
        }
        let inverseMinimum = 1 / minimum
        let narrowScale = factor * inverseMinimum
        var running = 0.0
        // A sliding window over the components in order: the one before, this one, the next.
        var previous = 0.0
        var current = mu(0)
        for index in 0..<count {
            let next = index + 1 < count ? mu(index + 1) : 0
            var sigma = span
            let w: Double
            if index == position {
                w = priorWeight
            } else {
                w = weights[index < position ? index : index - 1]
                if count > 1 {
                    // Endpoints are not considered: the outermost components use their inner neighbour.
                    let left = index == 0 ? next - current : current - previous
                    let right = index == count - 1 ? current - previous : next - current
                    sigma = min(max(max(left, right), minimum), span)
                }
                // Components with the same mu and sigma (an integer parameter's repeated values)
                // are one kernel with their weights added: the same density, summed once.
                if sigma == minimum {
                    var density = w * narrowScale
                    if (current - low) * inverseMinimum < 6 || (high - current) * inverseMinimum < 6 {
                        density /= max(mass(current, inverseMinimum), 1e-300)
                    }
                    if let last = narrowMus.last, last == current {
                        narrowFactors[narrowFactors.count - 1] += density
                    } else {
                        narrowMus.append(current)
                        narrowFactors.append(density)
                    }
                } else {
                    let inverse = 1 / sigma
                    let density = w * factor * inverse / max(mass(current, inverse), 1e-300)
                    if let last = wideMus.last, last == current, wideInverseSigmas[wideInverseSigmas.count - 1] == inverse {
                        wideFactors[wideFactors.count - 1] += density
                    } else {
                        wideMus.append(current)
                        wideInverseSigmas.append(inverse)
                        wideFactors.append(density)
                    }
                    widestSigma = max(widestSigma, sigma)
                }
            }
            if forSampling {
                running += w / total
                mus.append(current)
                sigmas.append(sigma)
                cumulativeWeights.append(running)
            }
            previous = current
            current = next
        }
    }

    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.squareRoot()) }

    /// log density of the mixture at x.
    func logDensity(_ x: Double) -> Double {
        var sum = narrowSum(x)
        if !wideMus.isEmpty { sum += wideSum(x) }
        let z = (x - priorMu) * priorInverseSigma
        if abs(z) < Self.cutoff { sum += priorFactor * Self.exp(-0.5 * z * z) }
        return sum > 0 ? Foundation.log(sum) : -.infinity
    }

    /// The density at x of the components at the minimum sigma: those within the cutoff of x, four
    /// at a time (every z there is below the cutoff, so no test is needed and e^(-z^2/2) stays a
    /// normal double).
    private func narrowSum(_ x: Double) -> Double {
        let reach = Self.cutoff * minimumSigma
        let inverse = 1 / minimumSigma
        return narrowMus.withUnsafeBufferPointer { mus in
            narrowFactors.withUnsafeBufferPointer { factors in
                let start = Self.lowerBound(mus, x - reach)
                let end = Self.lowerBound(mus, x + reach)
                var position = start
                var lanes = SIMD4<Double>(repeating: 0)
                let xs = SIMD4<Double>(repeating: x)
                while position + 4 <= end {
                    let m = SIMD4<Double>(mus[position], mus[position + 1], mus[position + 2], mus[position + 3])
                    let f = SIMD4<Double>(factors[position], factors[position + 1], factors[position + 2], factors[position + 3])
                    let z = (xs - m) * inverse
                    lanes += f * Self.exp(-0.5 * z * z)
                    position += 4
                }
                var sum = lanes.sum()
                while position < end {
                    let z = (x - mus[position]) * inverse
                    sum += factors[position] * Self.exp(-0.5 * z * z)
                    position += 1
                }
                return sum
            }
        }
    }

    /// The density at x of the other components (sorted by mu, each with its own sigma) within
    /// `reach` of it, four at a time; those beyond the cutoff are left out.
    private func wideSum(_ x: Double) -> Double {
        let reach = Self.cutoff * widestSigma
        let limit = Self.cutoff * Self.cutoff
        return wideMus.withUnsafeBufferPointer { mus in
            wideInverseSigmas.withUnsafeBufferPointer { inverses in
                wideFactors.withUnsafeBufferPointer { factors in
                    let start = Self.lowerBound(mus, x - reach)
                    let end = Self.lowerBound(mus, x + reach)
                    var position = start
                    var lanes = SIMD4<Double>(repeating: 0)
                    let xs = SIMD4<Double>(repeating: x)
                    let limits = SIMD4<Double>(repeating: limit)
                    while position + 4 <= end {
                        let m = SIMD4<Double>(mus[position], mus[position + 1], mus[position + 2], mus[position + 3])
                        let inverse = SIMD4<Double>(inverses[position], inverses[position + 1], inverses[position + 2], inverses[position + 3])
                        let f = SIMD4<Double>(factors[position], factors[position + 1], factors[position + 2], factors[position + 3])
                        let z = (xs - m) * inverse
                        let squared = z * z
                        let inside = squared .< limits
                        let terms = f * Self.exp(-0.5 * squared.replacing(with: limit, where: .!inside))
                        lanes += terms.replacing(with: 0, where: .!inside)
                        position += 4
                    }
                    var sum = lanes.sum()
                    while position < end {
                        let z = (x - mus[position]) * inverses[position]
                        if z * z < limit { sum += factors[position] * Self.exp(-0.5 * z * z) }
                        position += 1
                    }
                    return sum
                }
            }
        }
    }

    /// e^x for x in [-cutoff^2 / 2, 0]: 2^n * 2^f with |f| <= 1/2 and a degree-9 Taylor
    /// polynomial of e^(f ln 2) (relative error below 1e-10), without libm's special cases.
    @inline(__always) static func exp(_ x: Double) -> Double {
        exp(SIMD4<Double>(repeating: x))[0]
    }

    /// e^x for four values at once (see `exp(_:)`).
    @inline(__always) static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744.0)
        let t = x * 1.4426950408889634
        let shifted = t + magic
        let n = shifted - magic
        let y = (t - n) * 0.6931471805599453
        let y2 = y * y
        let y4 = y2 * y2
        let a = 1 + y
        let b = 0.5 + y * (1.0 / 6)
        let c = 1.0 / 24 + y * (1.0 / 120)
        let d = 1.0 / 720 + y * (1.0 / 5_040)
        let e = 1.0 / 40_320 + y * (1.0 / 362_880)
        let p = (a + y2 * b) + y4 * ((c + y2 * d) + y4 * e)
        // The low bits of `shifted` hold n (two's complement): 2^n is (n + 1023) << 52.
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self)
        let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD4<Double>.self)
        return p * scale
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
