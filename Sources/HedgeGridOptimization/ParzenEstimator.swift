import Foundation

/// A one-dimensional mixture of truncated normals over [low, high] in the sampler's internal
/// space, built from weighted observations plus a prior, with Optuna's bandwidth rule: each
/// component's sigma is the larger distance to its neighbours, clipped to
/// [(high - low) / min(100, 1 + n), high - low] ("magic clip").
struct ParzenEstimator {
    var mus: [Double]
    var sigmas: [Double]
    var logWeights: [Double]
    let low: Double
    let high: Double
    /// log(sigma * sqrt(2 pi)) + log(mass inside [low, high]), per component.
    private var logNormalizers: [Double]
    /// Narrow components (sigma <= `narrowSigma`) sorted by mu, for a windowed search; the wide
    /// ones (few: the prior and isolated points) are always evaluated.
    private var narrow: [Int] = []
    private var narrowMus: [Double] = []
    private var wide: [Int] = []
    private var narrowSigma = 0.0

    init(observations: [Double], weights: [Double], low: Double, high: Double, priorWeight: Double) {
        self.low = low
        self.high = high
        let span = max(high - low, 1e-12)
        var mus = observations
        var weightList = weights
        mus.append((low + high) / 2)
        weightList.append(priorWeight)
        let priorIndex = mus.count - 1
        // One sort of (mu, index) pairs serves the bandwidths and the windowed search.
        let pairs = zip(mus, mus.indices).sorted { $0.0 < $1.0 }
        let order = pairs.map(\.1)
        let sorted = pairs.map(\.0)
        var sortedSigmas = [Double](repeating: span, count: sorted.count)
        if sorted.count > 1 {
            let withEnds = [low] + sorted + [high]
            for index in 0..<sorted.count {
                sortedSigmas[index] = max(withEnds[index + 1] - withEnds[index], withEnds[index + 2] - withEnds[index + 1])
            }
            // Endpoints are not considered: the outermost components use their inner neighbour.
            sortedSigmas[0] = sorted[1] - sorted[0]
            sortedSigmas[sorted.count - 1] = sorted[sorted.count - 1] - sorted[sorted.count - 2]
        }
        let minimum = span / min(100, 1 + Double(sorted.count))
        var sigmas = [Double](repeating: span, count: mus.count)
        for (position, index) in order.enumerated() {
            sigmas[index] = min(max(sortedSigmas[position], minimum), span)
        }
        sigmas[priorIndex] = span
        let total = weightList.reduce(0, +)
        self.mus = mus
        self.sigmas = sigmas
        self.logWeights = weightList.map { Foundation.log(max($0 / total, 1e-300)) }
        self.logNormalizers = zip(mus, sigmas).map { mu, sigma in
            let upper = (high - mu) / sigma
            let lower = (low - mu) / sigma
            // Far from both bounds the truncated mass is 1 to double precision: skip the erfc.
            let mass = upper > 9 && lower < -9 ? 1 : Self.cdf(upper) - Self.cdf(lower)
            return Foundation.log(sigma * (2 * Double.pi).squareRoot()) + Foundation.log(max(mass, 1e-300))
        }
        narrowSigma = minimum * 1.5
        for index in order {
            if sigmas[index] <= narrowSigma {
                narrow.append(index)
                narrowMus.append(mus[index])
            } else {
                wide.append(index)
            }
        }
    }

    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.squareRoot()) }

    /// log density of the mixture at x. Components more than 10 sigmas away add less than
    /// e^-50 of their weight and are skipped; the sum runs in two passes without allocating.
    func logDensity(_ x: Double) -> Double {
        // Narrow components within 10 of their sigmas lie within 10 * narrowSigma of x.
        let lower = lowerBound(x - 10 * narrowSigma)
        let upper = lowerBound(x + 10 * narrowSigma)
        var peak = -Double.infinity
        func visit(_ index: Int, _ body: (Double) -> Void) {
            let z = (x - mus[index]) / sigmas[index]
            guard abs(z) < 10 else { return }
            body(logWeights[index] - 0.5 * z * z - logNormalizers[index])
        }
        for position in lower..<upper { visit(narrow[position]) { peak = max(peak, $0) } }
        for index in wide { visit(index) { peak = max(peak, $0) } }
        guard peak.isFinite else { return -.infinity }
        var sum = 0.0
        for position in lower..<upper { visit(narrow[position]) { sum += Foundation.exp($0 - peak) } }
        for index in wide { visit(index) { sum += Foundation.exp($0 - peak) } }
        return peak + Foundation.log(sum)
    }

    /// The first narrow component with mu >= value.
    private func lowerBound(_ value: Double) -> Int {
        var low = 0
        var high = narrowMus.count
        while low < high {
            let middle = (low + high) / 2
            if narrowMus[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Draws from the mixture (a component by weight, then its truncated normal).
    func sample(using generator: inout SeededGenerator) -> Double {
        var pick = generator.unit()
        var component = mus.count - 1
        for index in mus.indices {
            pick -= Foundation.exp(logWeights[index])
            if pick <= 0 {
                component = index
                break
            }
        }
        for _ in 0..<100 {
            let x = mus[component] + sigmas[component] * generator.normal()
            if x >= low && x <= high { return x }
        }
        return min(max(mus[component], low), high)
    }
}
