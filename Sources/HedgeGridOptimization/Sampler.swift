/// A finished trial as a sampler sees it: the parameters it ran with and its value (lower is
/// better here; a study that maximises negates). nil marks a failed trial.
public struct Observation: Sendable, Equatable {
    public var parameters: [String: Double]
    public var value: Double?

    public init(parameters: [String: Double], value: Double?) {
        self.parameters = parameters
        self.value = value
    }
}

/// Proposes the parameters of the next trial from the finished ones.
public protocol Sampler: Sendable {
    mutating func sample(space: [ParameterDomain], history: [Observation]) -> [String: Double]
}

/// Uniform sampling in each parameter's (log) range, snapped to its grid.
public struct RandomSampler: Sampler {
    private var generator: SeededGenerator

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    public mutating func sample(space: [ParameterDomain], history: [Observation]) -> [String: Double] {
        var parameters: [String: Double] = [:]
        for domain in space {
            let bounds = domain.internalBounds
            parameters[domain.name] = domain.fromInternal(bounds.low + generator.unit() * (bounds.high - bounds.low))
        }
        return parameters
    }
}
