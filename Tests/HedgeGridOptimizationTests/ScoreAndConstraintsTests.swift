import HedgeGridOptimization
import Testing

/// The weighted score with fixed bounds, the constraints, and parameter importance.
@Suite struct ScoreAndConstraintsTests {
    static let metrics = ObjectiveMetrics(sharpe: 1.0, profitPct: 15, calmar: 7.5, maxDrawdownPct: 10, trades: 80, winRatePct: 50, profitFactor: 1.5)

    @Test func scoreIsTheWeightedSumOfFixedNormalisations() {
        let (score, components) = ScoreFunction().score(Self.metrics)
        // n(Sharpe) = (1 + 3) / 8 = 0.5; n(profit) = 35 / 70 = 0.5; n(Calmar) = 12.5 / 25 = 0.5; n(DD) = 10 / 50 = 0.2.
        #expect(abs(components["sharpe"]! - 0.15) < 1e-12)
        #expect(abs(components["profit"]! - 0.125) < 1e-12)
        #expect(abs(components["calmar"]! - 0.125) < 1e-12)
        #expect(abs(components["drawdown"]! - 0.04) < 1e-12)
        #expect(abs(score - (0.15 + 0.125 + 0.125 - 0.04)) < 1e-12)
    }

    @Test func theSameMetricsAlwaysScoreTheSame() {
        // Fixed bounds: a score does not depend on which trials came before (the reference's did).
        var first = ScoreFunction()
        let before = first.score(Self.metrics).score
        first.sharpeBounds = ScoreFunction.Bounds(-3, 5)
        #expect(first.score(Self.metrics).score == before)
        var extreme = Self.metrics
        extreme.sharpe = 50
        #expect(ScoreFunction().score(extreme).components["sharpe"] == 0.30)  // clamped at 1
        extreme.sharpe = nil
        #expect(ScoreFunction().score(extreme).components["sharpe"] == 0)
    }

    @Test func constraintsNameEachViolationAndHowFarItMissed() {
        var metrics = Self.metrics
        metrics.sharpe = 0.5
        metrics.maxDrawdownPct = 30
        metrics.trades = 10
        metrics.profitFactor = nil
        let constraints = TrialConstraints()
        let violations = constraints.violations(metrics)
        #expect(violations.map(\.name) == ["min_sharpe", "max_drawdown_pct", "min_trades", "min_profit_factor"])
        #expect(abs(violations[0].shortfall - 0.5) < 1e-12)
        #expect(abs(violations[1].shortfall - 0.5) < 1e-12)
        #expect(abs(violations[2].shortfall - 0.8) < 1e-12)
        #expect(violations[3].value == nil && violations[3].shortfall == 1)
        #expect(!constraints.isFeasible(violations))
        #expect(abs(constraints.samplerViolation(violations) - 2.8) < 1e-12)
        #expect(constraints.violations(Self.metrics).isEmpty)
    }

    @Test func lenientModeAllowsExactlyOneViolation() {
        var lenient = TrialConstraints()
        lenient.mode = .lenient
        var metrics = Self.metrics
        metrics.trades = 10
        #expect(lenient.isFeasible(lenient.violations(metrics)))
        #expect(lenient.samplerViolation(lenient.violations(metrics)) == 0)
        metrics.sharpe = 0.2
        #expect(!lenient.isFeasible(lenient.violations(metrics)))
        #expect(!TrialConstraints().isFeasible(TrialConstraints().violations(Self.metrics.with(trades: 10))))
    }

    @Test func importanceRanksTheDominantParameterFirst() {
        var generator = SeededGenerator(seed: 9)
        var trials: [(parameters: [String: Double], score: Double)] = []
        for _ in 0..<200 {
            let p = ["a": generator.unit(), "b": generator.unit(), "c": generator.unit(), "d": Double(Int(generator.unit() * 5))]
            trials.append((p, 10 * p["c"]! * p["c"]! + 0.5 * p["a"]! + 0.05 * generator.normal()))
        }
        let entries = ParameterImportance.compute(names: ["a", "b", "c", "d"], trials: trials)
        #expect(entries.first?.name == "c")
        #expect(entries.first!.importance > 0.8)
        #expect(abs(entries.reduce(0) { $0 + $1.importance } - 1) < 1e-9)
        #expect(entries.last!.importance < 0.05)
    }
}

extension ObjectiveMetrics {
    func with(trades: Int) -> ObjectiveMetrics {
        var copy = self
        copy.trades = trades
        return copy
    }
}
