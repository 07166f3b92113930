/// How much of the score's variance each parameter explains on its own (a first-order,
/// fANOVA-style main effect): the trials are binned by the parameter's value (equal-count bins),
/// and the variance of the bins' mean scores is divided by the total variance. The results are
/// normalised to sum to 1 and sorted, most important first.
public enum ParameterImportance {
    public struct Entry: Sendable, Equatable, Codable {
        public var name: String
        public var importance: Double
    }

    /// `trials`: each trial's parameters and score (only finished, scored trials).
    public static func compute(names: [String], trials: [(parameters: [String: Double], score: Double)]) -> [Entry] {
        let scores = trials.map(\.score)
        guard scores.count >= 4 else { return names.map { Entry(name: $0, importance: 0) } }
        let mean = scores.reduce(0, +) / Double(scores.count)
        let total = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard total > 0 else { return names.map { Entry(name: $0, importance: 0) } }
        let binCount = max(2, min(10, scores.count / 5))
        var raw: [Entry] = []
        for name in names {
            let pairs = trials.compactMap { trial in trial.parameters[name].map { ($0, trial.score) } }.sorted { $0.0 < $1.0 }
            guard pairs.count >= 4 else {
                raw.append(Entry(name: name, importance: 0))
                continue
            }
            // Equal-count bins that never split equal values (a stepped parameter's level stays whole).
            var between = 0.0
            var start = 0
            for bin in 1...binCount {
                var end = bin == binCount ? pairs.count : pairs.count * bin / binCount
                while end < pairs.count && end > start && pairs[end].0 == pairs[end - 1].0 { end += 1 }
                guard end > start else { continue }
                let binScores = pairs[start..<end].map(\.1)
                let binMean = binScores.reduce(0, +) / Double(binScores.count)
                between += Double(binScores.count) * (binMean - mean) * (binMean - mean)
                start = end
                if start >= pairs.count { break }
            }
            raw.append(Entry(name: name, importance: between / total))
        }
        let sum = raw.reduce(0) { $0 + $1.importance }
        let normalised = raw.map { Entry(name: $0.name, importance: sum > 0 ? $0.importance / sum : 0) }
        return normalised.sorted { $0.importance > $1.importance || ($0.importance == $1.importance && $0.name < $1.name) }
    }
}
