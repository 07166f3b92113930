/// The trials a sampler learns from, kept column by column in each parameter's internal space
/// (log for log ranges), with each parameter's trial indices in sorted order. A study keeps one
/// and appends to it as trials start and finish, so sampling costs no dictionary lookups and no
/// sorting of observations: O(n) per parameter instead of O(n log n) with hashing.
public struct SampleHistory: Sendable {
    public let space: [ParameterDomain]
    /// Per parameter, each trial's internal value (NaN when the trial lacks the parameter).
    private(set) var columns: [[Double]]
    /// Per parameter, the indices of the trials that have it, by increasing value.
    private(set) var sortedIndices: [[Int32]]
    private(set) var values: [Double?] = []
    private(set) var violations: [Double] = []
    private(set) var states: [Observation.State] = []

    public init(space: [ParameterDomain]) {
        self.space = space
        columns = Array(repeating: [], count: space.count)
        sortedIndices = Array(repeating: [], count: space.count)
    }

    public init(space: [ParameterDomain], observations: [Observation]) {
        self.init(space: space)
        for observation in observations { append(observation) }
    }

    public var count: Int { states.count }

    /// Adds a trial at the end.
    public mutating func append(_ observation: Observation) {
        let index = Int32(states.count)
        for (column, domain) in space.enumerated() {
            guard let raw = observation.parameters[domain.name] else {
                columns[column].append(.nan)
                continue
            }
            let value = domain.toInternal(raw)
            columns[column].append(value)
            // Insert after equal values, so equal values keep trial order.
            var low = 0
            var high = sortedIndices[column].count
            while low < high {
                let middle = (low + high) / 2
                if columns[column][Int(sortedIndices[column][middle])] <= value { low = middle + 1 } else { high = middle }
            }
            sortedIndices[column].insert(index, at: low)
        }
        values.append(observation.value)
        violations.append(observation.violation)
        states.append(observation.state)
    }

    /// Updates a trial's outcome (its parameters never change).
    public mutating func update(at index: Int, _ observation: Observation) {
        values[index] = observation.value
        violations[index] = observation.violation
        states[index] = observation.state
    }

    /// The trial at `index` as an observation (parameters back in their own space).
    public func observation(at index: Int) -> Observation {
        var parameters: [String: Double] = [:]
        for (column, domain) in space.enumerated() where !columns[column][index].isNaN {
            parameters[domain.name] = domain.fromInternal(columns[column][index])
        }
        return Observation(parameters: parameters, value: values[index], violation: violations[index], state: states[index])
    }

    func isFeasible(_ index: Int) -> Bool { states[index] == .complete && values[index] != nil && violations[index] <= 0 }
}
