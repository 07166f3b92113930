import Foundation
import HedgeGridCore
import HedgeGridOptimization
import HedgeGridStudy
import HedgeGridTestSupport

/// Studies over synthetic objectives on the real parameter space, in scratch databases.
enum StudyFixtures {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Metrics for synthetic outcomes (their content does not matter to the runner).
    static let flatMetrics = PerformanceMetrics.compute(
        curve: EquityCurve(startTime: 0, initialEquity: 1), roundTrips: [], activity: PerformanceMetrics.Activity())

    /// Where each parameter's optimum lies: 30 % into its internal range.
    static func optimum(_ space: [ParameterDomain]) -> [String: Double] {
        var point: [String: Double] = [:]
        for domain in space {
            let low = domain.log ? log(domain.low) : domain.low
            let high = domain.log ? log(domain.high) : domain.high
            let value = low + 0.3 * (high - low)
            point[domain.name] = domain.snap(domain.log ? exp(value) : value)
        }
        return point
    }

    /// 1 at the optimum, falling with the mean squared normalised distance from it.
    static func syntheticScore(_ parameters: [String: Double], space: [ParameterDomain]) -> Double {
        let target = optimum(space)
        var sum = 0.0
        for domain in space {
            let scale = domain.log ? log(domain.high) - log(domain.low) : domain.high - domain.low
            let a = domain.log ? log(parameters[domain.name]!) : parameters[domain.name]!
            let b = domain.log ? log(target[domain.name]!) : target[domain.name]!
            sum += pow((a - b) / scale, 2)
        }
        return 1 - sum / Double(space.count)
    }

    static func study(name: String = "s", trials: Int, sampler: OptimizationConfig.SamplerKind = .tpe, seed: UInt64 = 7, configure: (inout OptimizationConfig) -> Void = { _ in }) -> StudyRecord {
        var optimization = OptimizationConfig()
        optimization.sampler = sampler
        optimization.seed = seed
        configure(&optimization)
        return StudyRecord(
            name: name, createdAt: 0, targetTrials: trials, optimization: optimization, strategyYAML: "", backtestYAML: "", strategyPath: "s.yaml",
            backtestPath: "b.yaml", workingDirectory: "/")
    }

    /// A synthetic evaluation: feasible, scored by `syntheticScore`.
    static func synthetic(space: [ParameterDomain]) -> StudyRunner.Evaluate {
        { parameters, _ in .evaluated(TrialScore(metrics: flatMetrics, score: syntheticScore(parameters, space: space))) }
    }
}
