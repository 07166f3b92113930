import Foundation

/// The Tree-structured Parzen Estimator, with Optuna's published defaults: 10 random startup
/// trials, gamma(n) = min(ceil(0.1 n), 25) trials in the "good" group, weights that ramp up the
/// older trials' influence after 25, a prior of weight 1, the magic-clip bandwidth, and 24
/// candidates drawn from the good density, keeping the one with the highest l(x) / g(x).
/// Parameters are sampled independently (univariate); lower values are better.
public struct TPESampler: Sampler {
    public var startupTrials = 10
    public var eiCandidates = 24
    public var priorWeight = 1.0
    private var generator: SeededGenerator
    private var random: RandomSampler

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
        random = RandomSampler(seed: seed ^ 0x5DEE_CE66)
    }

    /// Optuna's `default_gamma`.
    public static func gamma(_ n: Int) -> Int { min(Int((0.1 * Double(n)).rounded(.up)), 25) }

    /// Optuna's `default_weights`: 1 for the 25 most recent, a ramp from 1/n for the older ones.
    public static func weights(_ n: Int) -> [Double] {
        guard n >= 25 else { return Array(repeating: 1, count: n) }
        let rampCount = n - 25
        let ramp: [Double] = rampCount == 1 ? [1.0 / Double(n)] : (0..<rampCount).map { index in
            1.0 / Double(n) + (1 - 1.0 / Double(n)) * Double(index) / Double(rampCount - 1)
        }
        return ramp + Array(repeating: 1, count: 25)
    }

    public mutating func sample(space: [ParameterDomain], history: [Observation]) -> [String: Double] {
        let complete = history.filter { $0.value != nil }
        guard complete.count >= startupTrials else { return random.sample(space: space, history: history) }
        let order = complete.indices.sorted { complete[$0].value! < complete[$1].value! }
        let below = Set(order.prefix(Self.gamma(complete.count)))
        var parameters: [String: Double] = [:]
        for domain in space {
            var belowValues: [Double] = []
            var aboveValues: [Double] = []
            for (index, observation) in complete.enumerated() {
                guard let value = observation.parameters[domain.name] else { continue }
                if below.contains(index) { belowValues.append(domain.toInternal(value)) } else { aboveValues.append(domain.toInternal(value)) }
            }
            let bounds = domain.internalBounds
            let good = ParzenEstimator(
                observations: belowValues, weights: Self.weights(belowValues.count), low: bounds.low, high: bounds.high, priorWeight: priorWeight)
            let bad = ParzenEstimator(
                observations: aboveValues, weights: Self.weights(aboveValues.count), low: bounds.low, high: bounds.high, priorWeight: priorWeight)
            var best = good.sample(using: &generator)
            var bestScore = -Double.infinity
            for _ in 0..<eiCandidates {
                let candidate = good.sample(using: &generator)
                let score = good.logDensity(candidate) - bad.logDensity(candidate)
                if score > bestScore {
                    bestScore = score
                    best = candidate
                }
            }
            parameters[domain.name] = domain.fromInternal(best)
        }
        return parameters
    }
}
