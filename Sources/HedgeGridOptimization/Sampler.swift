/// A trial as a sampler sees it: the parameters it ran with, its value (lower is better here; a
/// study that maximises negates) and how far it missed its constraints.
public struct Observation: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Evaluated: `value` is set, or nil for a trial that was rejected without evaluation.
        case complete
        /// Still being evaluated by another worker (its parameters are known, its value is not).
        case running
        /// Failed: ignored by the samplers.
        case failed
    }

    public var parameters: [String: Double]
    public var value: Double?
    /// 0 when the trial met its constraints; otherwise the sum of how far it missed them.
    public var violation: Double
    public var state: State

    /// A finished trial; a nil value marks a failure.
    public init(parameters: [String: Double], value: Double?, violation: Double = 0) {
        self.parameters = parameters
        self.value = value
        self.violation = violation
        self.state = value == nil ? .failed : .complete
    }

    public init(parameters: [String: Double], value: Double?, violation: Double, state: State) {
        self.parameters = parameters
        self.value = value
        self.violation = violation
        self.state = state
    }

    /// A trial another worker is evaluating.
    public static func running(_ parameters: [String: Double]) -> Observation {
        Observation(parameters: parameters, value: nil, violation: 0, state: .running)
    }

    /// Complete and within its constraints.
    public var isFeasible: Bool { state == .complete && value != nil && violation <= 0 }
}

/// Proposes the parameters of the next trial from the others.
public protocol Sampler: Sendable {
    /// The next trial's parameters, given every trial so far in `history` (and its space).
    mutating func sample(_ history: SampleHistory) -> [String: Double]
}

extension Sampler {
    /// The same from a list of observations (builds the history first).
    public mutating func sample(space: [ParameterDomain], history: [Observation]) -> [String: Double] {
        sample(SampleHistory(space: space, observations: history))
    }
}

/// Uniform sampling in each parameter's (log) range, snapped to its grid.
public struct RandomSampler: Sampler {
    private var generator: SeededGenerator

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    public mutating func sample(_ history: SampleHistory) -> [String: Double] {
        var parameters: [String: Double] = [:]
        for domain in history.space {
            let bounds = domain.internalBounds
            parameters[domain.name] = domain.fromInternal(bounds.low + generator.unit() * (bounds.high - bounds.low))
        }
        return parameters
    }
}
