import Foundation

/// A mixture of product kernels (one truncated normal per dimension) over a box, one component
/// per observation plus a prior at the box's centre, as Optuna's multivariate TPE builds it:
/// every observation's bandwidth in dimension d is 0.2 * n^(-1/(D+4)) * span_d (Scott's rule),
/// clipped below like the univariate magic clip; the prior's is the span.
struct MultivariateParzenEstimator {
    private let points: [[Double]]
    private let sigmas: [[Double]]
    private let logWeights: [Double]
    /// Per component, the sum over dimensions of log(sigma sqrt(2 pi)) + log(mass in bounds).
    private let logNormalizers: [Double]
    private let bounds: [(low: Double, high: Double)]

    init(points observations: [[Double]], weights: [Double], bounds: [(low: Double, high: Double)], priorWeight: Double) {
        self.bounds = bounds
        let dimensions = bounds.count
        let spans = bounds.map { max($0.high - $0.low, 1e-12) }
        let count = observations.count
        let factor = 0.2 * pow(Double(max(count, 1)), -1.0 / Double(dimensions + 4))
        var points = observations
        var sigmas = observations.map { _ in
            spans.map { span in min(max(factor * span, span / min(100, 1 + Double(count + 1))), span) }
        }
        points.append(bounds.map { ($0.low + $0.high) / 2 })
        sigmas.append(spans)
        var weightList = weights
        weightList.append(priorWeight)
        let total = weightList.reduce(0, +)
        self.points = points
        self.sigmas = sigmas
        self.logWeights = weightList.map { Foundation.log(max($0 / total, 1e-300)) }
        self.logNormalizers = zip(points, sigmas).map { point, sigma in
            var sum = 0.0
            for dimension in 0..<dimensions {
                let upper = (bounds[dimension].high - point[dimension]) / sigma[dimension]
                let lower = (bounds[dimension].low - point[dimension]) / sigma[dimension]
                let mass = upper > 9 && lower < -9 ? 1 : ParzenEstimator.cdf(upper) - ParzenEstimator.cdf(lower)
                sum += Foundation.log(sigma[dimension] * (2 * Double.pi).squareRoot()) + Foundation.log(max(mass, 1e-300))
            }
            return sum
        }
    }

    /// log density of the mixture at `x` (log-sum-exp over the components).
    func logDensity(_ x: [Double]) -> Double {
        var terms = [Double](repeating: -.infinity, count: points.count)
        var peak = -Double.infinity
        for component in points.indices {
            let point = points[component]
            let sigma = sigmas[component]
            var exponent = 0.0
            for dimension in x.indices {
                let z = (x[dimension] - point[dimension]) / sigma[dimension]
                exponent -= 0.5 * z * z
            }
            let term = logWeights[component] + exponent - logNormalizers[component]
            terms[component] = term
            peak = max(peak, term)
        }
        guard peak.isFinite else { return -.infinity }
        var sum = 0.0
        for term in terms { sum += Foundation.exp(term - peak) }
        return peak + Foundation.log(sum)
    }

    /// Draws a component by weight, then each dimension from its truncated normal.
    func sample(using generator: inout SeededGenerator) -> [Double] {
        var pick = generator.unit()
        var component = points.count - 1
        for index in points.indices {
            pick -= Foundation.exp(logWeights[index])
            if pick <= 0 {
                component = index
                break
            }
        }
        return bounds.indices.map { dimension in
            let (low, high) = bounds[dimension]
            for _ in 0..<100 {
                let x = points[component][dimension] + sigmas[component][dimension] * generator.normal()
                if x >= low && x <= high { return x }
            }
            return min(max(points[component][dimension], low), high)
        }
    }
}
