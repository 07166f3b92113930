import Foundation

/// The Tree-structured Parzen Estimator, with Optuna's published defaults: 10 random startup
/// trials, gamma(n) = min(ceil(0.1 n), 25) trials in the "good" group, weights that ramp up the
/// older trials' influence after 25, a prior of weight 1, the magic-clip bandwidth, and 24
/// candidates drawn from the good density, keeping the one with the highest l(x) / g(x).
/// Lower values are better.
///
/// As in Optuna's constrained TPE, feasible trials rank before infeasible ones, and infeasible
/// ones rank by how far they missed their constraints, so the "good" group fills with the
/// nearest misses when too few trials are feasible. With `constantLiar`, trials that other
/// workers are still evaluating count as bad ones, so parallel workers spread out.
/// `multivariate` models the parameters jointly (one kernel per trial over all of them, Scott's
/// bandwidth), which follows interactions the univariate mode cannot see.
public struct TPESampler: Sampler {
    public var startupTrials = 10
    public var eiCandidates = 24
    public var priorWeight = 1.0
    public var multivariate = false
    public var constantLiar = false
    private var generator: SeededGenerator
    private var random: RandomSampler

    public init(seed: UInt64, multivariate: Bool = false, constantLiar: Bool = false) {
        generator = SeededGenerator(seed: seed)
        random = RandomSampler(seed: seed ^ 0x5DEE_CE66)
        self.multivariate = multivariate
        self.constantLiar = constantLiar
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

    /// Splits the history into the good group and the rest, both in trial order: feasible trials
    /// by value first, then infeasible ones by violation; running trials join the rest when lying.
    public func split(_ history: [Observation]) -> (below: [Observation], above: [Observation]) {
        let complete = history.indices.filter { history[$0].state == .complete }
        let ranked = complete.sorted { left, right in
            let a = history[left]
            let b = history[right]
            switch (a.isFeasible, b.isFeasible) {
            case (true, true): return a.value! < b.value! || (a.value! == b.value! && left < right)
            case (true, false): return true
            case (false, true): return false
            case (false, false): return a.violation < b.violation || (a.violation == b.violation && left < right)
            }
        }
        let belowSet = Set(ranked.prefix(Self.gamma(complete.count)))
        var below: [Observation] = []
        var above: [Observation] = []
        for index in history.indices {
            let observation = history[index]
            if belowSet.contains(index) {
                below.append(observation)
            } else if observation.state == .complete || (constantLiar && observation.state == .running) {
                above.append(observation)
            }
        }
        return (below, above)
    }

    public mutating func sample(space: [ParameterDomain], history: [Observation]) -> [String: Double] {
        let completeCount = history.reduce(0) { $0 + ($1.state == .complete ? 1 : 0) }
        guard completeCount >= startupTrials else { return random.sample(space: space, history: history) }
        let (below, above) = split(history)
        return multivariate
            ? sampleJointly(space: space, below: below, above: above)
            : sampleIndependently(space: space, below: below, above: above)
    }

    private mutating func sampleIndependently(space: [ParameterDomain], below: [Observation], above: [Observation]) -> [String: Double] {
        var parameters: [String: Double] = [:]
        for domain in space {
            let belowValues = below.compactMap { $0.parameters[domain.name].map(domain.toInternal) }
            let aboveValues = above.compactMap { $0.parameters[domain.name].map(domain.toInternal) }
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

    private mutating func sampleJointly(space: [ParameterDomain], below: [Observation], above: [Observation]) -> [String: Double] {
        // Trials missing a parameter of the space (another space) cannot place a joint kernel.
        func points(_ observations: [Observation]) -> [[Double]] {
            observations.compactMap { observation in
                var point: [Double] = []
                for domain in space {
                    guard let value = observation.parameters[domain.name] else { return nil }
                    point.append(domain.toInternal(value))
                }
                return point
            }
        }
        let bounds = space.map(\.internalBounds)
        let belowPoints = points(below)
        let abovePoints = points(above)
        let good = MultivariateParzenEstimator(
            points: belowPoints, weights: Self.weights(belowPoints.count), bounds: bounds, priorWeight: priorWeight)
        let bad = MultivariateParzenEstimator(
            points: abovePoints, weights: Self.weights(abovePoints.count), bounds: bounds, priorWeight: priorWeight)
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
        var parameters: [String: Double] = [:]
        for (domain, value) in zip(space, best) { parameters[domain.name] = domain.fromInternal(value) }
        return parameters
    }
}
