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

    /// Which group each trial is in: 1 the good group, 2 the rest, 0 neither (failed, or running
    /// without the liar). Feasible trials rank first by value, then infeasible ones by violation.
    func groups(states: [Observation.State], values: [Double?], violations: [Double]) -> [UInt8] {
        // Ranking keys: feasible trials (0) by value, then infeasible ones (1) by violation; ties by trial order.
        var keys: [(group: Int, key: Double, index: Int)] = []
        keys.reserveCapacity(states.count)
        for index in states.indices where states[index] == .complete {
            if let value = values[index], violations[index] <= 0 {
                keys.append((0, value, index))
            } else {
                keys.append((1, violations[index], index))
            }
        }
        keys.sort { $0 < $1 }
        let complete = keys.map(\.index)
        var flags = [UInt8](repeating: 0, count: states.count)
        for index in complete { flags[index] = 2 }
        for index in complete.prefix(Self.gamma(complete.count)) { flags[index] = 1 }
        if constantLiar {
            for index in states.indices where states[index] == .running { flags[index] = 2 }
        }
        return flags
    }

    /// Splits the history into the good group and the rest, both in trial order: feasible trials
    /// by value first, then infeasible ones by violation; running trials join the rest when lying.
    public func split(_ history: [Observation]) -> (below: [Observation], above: [Observation]) {
        let flags = groups(states: history.map(\.state), values: history.map(\.value), violations: history.map(\.violation))
        return (history.indices.filter { flags[$0] == 1 }.map { history[$0] }, history.indices.filter { flags[$0] == 2 }.map { history[$0] })
    }

    public mutating func sample(_ history: SampleHistory) -> [String: Double] {
        let completeCount = history.states.reduce(0) { $0 + ($1 == .complete ? 1 : 0) }
        guard completeCount >= startupTrials else { return random.sample(history) }
        let flags = groups(states: history.states, values: history.values, violations: history.violations)
        // Each trial's weight within its group, by its position in trial order.
        var weights = [Double](repeating: 0, count: flags.count)
        for group in [UInt8(1), 2] {
            let members = flags.indices.filter { flags[$0] == group }
            for (position, weight) in zip(members, Self.weights(members.count)) { weights[position] = weight }
        }
        return multivariate
            ? sampleJointly(history, flags: flags, weights: weights)
            : sampleIndependently(history, flags: flags, weights: weights)
    }

    private mutating func sampleIndependently(_ history: SampleHistory, flags: [UInt8], weights: [Double]) -> [String: Double] {
        var parameters: [String: Double] = [:]
        // Sized once: each parameter's walk writes its group members in place.
        let belowCount = flags.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let aboveCount = flags.reduce(0) { $0 + ($1 == 2 ? 1 : 0) }
        var belowValues = [Double](repeating: 0, count: belowCount)
        var belowWeights = [Double](repeating: 0, count: belowCount)
        var aboveValues = [Double](repeating: 0, count: aboveCount)
        var aboveWeights = [Double](repeating: 0, count: aboveCount)
        for (column, domain) in history.space.enumerated() {
            // Trials without the parameter (NaN) are not in the sorted order: count what was written.
            var below = 0
            var above = 0
            history.columns[column].withUnsafeBufferPointer { values in
                history.sortedIndices[column].withUnsafeBufferPointer { order in
                    flags.withUnsafeBufferPointer { flags in
                        weights.withUnsafeBufferPointer { weights in
                            belowValues.withUnsafeMutableBufferPointer { belowValues in
                                belowWeights.withUnsafeMutableBufferPointer { belowWeights in
                                    aboveValues.withUnsafeMutableBufferPointer { aboveValues in
                                        aboveWeights.withUnsafeMutableBufferPointer { aboveWeights in
                                            for index32 in order {
                                                let index = Int(index32)
                                                let flag = flags[index]
                                                if flag == 1 {
                                                    belowValues[below] = values[index]
                                                    belowWeights[below] = weights[index]
                                                    below += 1
                                                } else if flag == 2 {
                                                    aboveValues[above] = values[index]
                                                    aboveWeights[above] = weights[index]
                                                    above += 1
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let goodValues = below == belowCount ? belowValues : Array(belowValues[..<below])
            let goodWeights = below == belowCount ? belowWeights : Array(belowWeights[..<below])
            let badValues = above == aboveCount ? aboveValues : Array(aboveValues[..<above])
            let badWeights = above == aboveCount ? aboveWeights : Array(aboveWeights[..<above])
            let bounds = domain.internalBounds
            let good = ParzenEstimator(
                sortedObservations: goodValues, weights: goodWeights, low: bounds.low, high: bounds.high, priorWeight: priorWeight)
            let bad = ParzenEstimator(
                sortedObservations: badValues, weights: badWeights, low: bounds.low, high: bounds.high, priorWeight: priorWeight,
                forSampling: false)
            let best = mostPromising { good.sample(using: &$0) } score: { good.logDensity($0) - bad.logDensity($0) }
            parameters[domain.name] = domain.fromInternal(best)
        }
        return parameters
    }

    private mutating func sampleJointly(_ history: SampleHistory, flags: [UInt8], weights: [Double]) -> [String: Double] {
        let space = history.space
        // Trials missing a parameter of the space (another space) cannot place a joint kernel.
        func points(_ group: UInt8) -> (points: [[Double]], weights: [Double]) {
            var points: [[Double]] = []
            var pointWeights: [Double] = []
            for index in flags.indices where flags[index] == group {
                let point = space.indices.map { history.columns[$0][index] }
                guard !point.contains(where: \.isNaN) else { continue }
                points.append(point)
                pointWeights.append(weights[index])
            }
            return (points, pointWeights)
        }
        let bounds = space.map(\.internalBounds)
        let below = points(1)
        let above = points(2)
        let good = MultivariateParzenEstimator(points: below.points, weights: below.weights, bounds: bounds, priorWeight: priorWeight)
        let bad = MultivariateParzenEstimator(points: above.points, weights: above.weights, bounds: bounds, priorWeight: priorWeight)
        let best = mostPromising { good.sample(using: &$0) } score: { good.logDensity($0) - bad.logDensity($0) }
        var parameters: [String: Double] = [:]
        for (domain, value) in zip(space, best) { parameters[domain.name] = domain.fromInternal(value) }
        return parameters
    }

    /// Optuna's expected-improvement step: `eiCandidates` draws from l(x), keeping the one with
    /// the highest log l(x) - log g(x).
    private mutating func mostPromising<Point>(draw: (inout SeededGenerator) -> Point, score: (Point) -> Double) -> Point {
        var best = draw(&generator)
        var bestScore = -Double.infinity
        for _ in 0..<eiCandidates {
            let candidate = draw(&generator)
            let candidateScore = score(candidate)
            if candidateScore > bestScore {
                bestScore = candidateScore
                best = candidate
            }
        }
        return best
    }
}
