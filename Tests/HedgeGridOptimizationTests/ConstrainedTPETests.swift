import Foundation
import HedgeGridOptimization
import Testing

/// Constraint-aware ranking, the constant liar, and multivariate TPE.
@Suite struct ConstrainedTPETests {
    static let space = [ParameterDomain(name: "x", low: 0, high: 1)]

    @Test func feasibleTrialsRankBeforeInfeasibleOnesWhichRankByViolation() {
        // 20 complete trials: gamma(20) = 2 go to the good group.
        var history: [Observation] = []
        for index in 0..<18 {
            // Infeasible trials with excellent values: they must not be "good".
            history.append(Observation(parameters: ["x": Double(index) / 100], value: -100, violation: Double(index + 1)))
        }
        history.append(Observation(parameters: ["x": 0.9], value: 5))  // feasible, poor value
        history.append(Observation(parameters: ["x": 0.8], value: 3))  // feasible, better
        let (below, above) = TPESampler(seed: 1).split(history)
        #expect(below.map { $0.parameters["x"]! }.sorted() == [0.8, 0.9])
        #expect(above.count == 18)

        // With one feasible trial, the nearest miss fills the good group.
        let (fewBelow, _) = TPESampler(seed: 1).split(Array(history.prefix(19)))
        #expect(fewBelow.map { $0.parameters["x"]! }.sorted() == [0.0, 0.9])
    }

    @Test func runningTrialsJoinTheBadGroupOnlyWithTheConstantLiar() {
        var history = (0..<10).map { Observation(parameters: ["x": Double($0) / 10], value: Double($0)) }
        history.append(.running(["x": 0.05]))
        #expect(TPESampler(seed: 1, constantLiar: true).split(history).above.contains(.running(["x": 0.05])))
        #expect(!TPESampler(seed: 1, constantLiar: false).split(history).above.contains(.running(["x": 0.05])))
        #expect(!TPESampler(seed: 1, constantLiar: true).split(history).below.contains(.running(["x": 0.05])))
    }

    @Test func theConstantLiarSteersAwayFromARunningTrial() {
        // Ten trials: the best values near x = 0.25. Many parallel workers are already evaluating
        // there; with the liar, the next proposal moves further away from them on average.
        let history = (0..<20).map { index -> Observation in
            let x = Double(index) / 19
            return Observation(parameters: ["x": x], value: abs(x - 0.25))
        }
        let running = (0..<10).map { Observation.running(["x": 0.25 + Double($0) * 0.002]) }
        var withLiar: [Double] = []
        var without: [Double] = []
        for seed in UInt64(1)...40 {
            var liar = TPESampler(seed: seed, constantLiar: true)
            var plain = TPESampler(seed: seed, constantLiar: false)
            withLiar.append(abs(liar.sample(space: Self.space, history: history + running)["x"]! - 0.26))
            without.append(abs(plain.sample(space: Self.space, history: history + running)["x"]! - 0.26))
        }
        #expect(withLiar.reduce(0, +) > without.reduce(0, +), "liar \(withLiar.reduce(0, +)) vs plain \(without.reduce(0, +))")
    }

    @Test func multivariateTPEBeatsRandomOnBranin() {
        var tpeBest: [Double] = []
        var randomBest: [Double] = []
        for seed in UInt64(1)...7 {
            var tpe = TPESampler(seed: seed, multivariate: true)
            var random = RandomSampler(seed: seed)
            tpeBest.append(TPESamplerTests.bestValue(&tpe, space: TPESamplerTests.braninSpace, trials: 60, objective: TPESamplerTests.branin))
            randomBest.append(TPESamplerTests.bestValue(&random, space: TPESamplerTests.braninSpace, trials: 60, objective: TPESamplerTests.branin))
        }
        #expect(TPESamplerTests.median(tpeBest) < TPESamplerTests.median(randomBest), "TPE \(tpeBest) vs random \(randomBest)")
    }

    @Test func multivariateSamplesStayOnTheirGrids() {
        let space = [ParameterDomain.int("n", 3, 20), ParameterDomain(name: "q", low: 0.001, high: 0.1, log: true), ParameterDomain(name: "s", low: 1, high: 2, step: 0.25)]
        var sampler = TPESampler(seed: 3, multivariate: true)
        var history: [Observation] = []
        for _ in 0..<40 {
            let p = sampler.sample(space: space, history: history)
            #expect(p["n"]! == p["n"]!.rounded() && (3...20).contains(p["n"]!))
            #expect((0.001...0.1).contains(p["q"]!))
            #expect(((p["s"]! - 1) / 0.25).rounded() == (p["s"]! - 1) / 0.25 && (1...2).contains(p["s"]!))
            history.append(Observation(parameters: p, value: p["n"]! + p["s"]!))
        }
    }
}
