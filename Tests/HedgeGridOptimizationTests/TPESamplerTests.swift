import Foundation
import HedgeGridOptimization
import Testing

/// TPE against random search on fixed functions, reproducibility, and parameter grids.
@Suite struct TPESamplerTests {
    /// Branin: minimum 0.397887 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475).
    static func branin(_ p: [String: Double]) -> Double {
        let x1 = p["x1"]!, x2 = p["x2"]!
        let b = 5.1 / (4 * .pi * .pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        return pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * cos(x1) + 10
    }

    static let braninSpace = [ParameterDomain(name: "x1", low: -5, high: 10), ParameterDomain(name: "x2", low: 0, high: 15)]

    /// Hartmann-6: minimum -3.32237.
    static func hartmann6(_ p: [String: Double]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let pm: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                              [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]].map { $0.map { $0 * 1e-4 } }
        let x = (0..<6).map { p["x\($0)"]! }
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += a[i][j] * pow(x[j] - pm[i][j], 2) }
            total += alpha[i] * exp(-inner)
        }
        return -total
    }

    static let hartmannSpace = (0..<6).map { ParameterDomain(name: "x\($0)", low: 0, high: 1) }

    static func bestValue<S: Sampler>(_ sampler: inout S, space: [ParameterDomain], trials: Int, objective: ([String: Double]) -> Double) -> Double {
        var history: [Observation] = []
        for _ in 0..<trials {
            let parameters = sampler.sample(space: space, history: history)
            history.append(Observation(parameters: parameters, value: objective(parameters)))
        }
        return history.compactMap(\.value).min()!
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    @Test(arguments: [("branin", 60), ("hartmann6", 100)])
    func tpeBeatsRandomSearch(function: String, trials: Int) {
        let space = function == "branin" ? Self.braninSpace : Self.hartmannSpace
        let objective = function == "branin" ? Self.branin : Self.hartmann6
        var tpeBest: [Double] = []
        var randomBest: [Double] = []
        for seed in UInt64(1)...7 {
            var tpe = TPESampler(seed: seed)
            var random = RandomSampler(seed: seed)
            tpeBest.append(Self.bestValue(&tpe, space: space, trials: trials, objective: objective))
            randomBest.append(Self.bestValue(&random, space: space, trials: trials, objective: objective))
        }
        #expect(Self.median(tpeBest) < Self.median(randomBest), "TPE \(tpeBest) vs random \(randomBest)")
    }

    @Test func sameSeedSameTrials() {
        func run(_ seed: UInt64) -> [[String: Double]] {
            var sampler = TPESampler(seed: seed)
            var history: [Observation] = []
            for _ in 0..<30 {
                let parameters = sampler.sample(space: Self.braninSpace, history: history)
                history.append(Observation(parameters: parameters, value: Self.branin(parameters)))
            }
            return history.map(\.parameters)
        }
        #expect(run(42) == run(42))
        #expect(run(42) != run(43))
    }

    @Test func intStepAndLogParametersStayOnTheirGridAndInRange() {
        let space = [
            ParameterDomain.int("levels", 3, 20),
            ParameterDomain(name: "step_bps", low: 10, high: 200, step: 5),
            ParameterDomain(name: "base_qty", low: 0.001, high: 0.1, log: true),
            ParameterDomain(name: "scale", low: 0.3, high: 0.8, step: 0.05),
        ]
        var sampler = TPESampler(seed: 7)
        var history: [Observation] = []
        for _ in 0..<80 {
            let p = sampler.sample(space: space, history: history)
            #expect((3...20).contains(p["levels"]!) && p["levels"]! == p["levels"]!.rounded())
            #expect((10...200).contains(p["step_bps"]!) && (p["step_bps"]! - 10).truncatingRemainder(dividingBy: 5) == 0)
            #expect((0.001...0.1).contains(p["base_qty"]!))
            let scaled = (p["scale"]! - 0.3) / 0.05
            #expect((0.3...0.8).contains(p["scale"]!) && abs(scaled - scaled.rounded()) < 1e-9)
            history.append(Observation(parameters: p, value: abs(p["levels"]! - 12) + abs(p["step_bps"]! - 75) / 10))
        }
        // It also finds the synthetic optimum region.
        let best = history.min { $0.value! < $1.value! }!
        #expect(best.value! <= 2)
    }

    @Test func optunaDefaults() {
        #expect(TPESampler.gamma(10) == 1 && TPESampler.gamma(11) == 2 && TPESampler.gamma(1_000) == 25)
        #expect(TPESampler.weights(5) == [1, 1, 1, 1, 1])
        let weights = TPESampler.weights(30)
        #expect(weights.count == 30)
        #expect(abs(weights[0] - 1.0 / 30) < 1e-12)
        #expect(weights[4] == 1 && weights[29] == 1)
        #expect(weights[0] < weights[3])
    }
}
