/// The hard constraints of spec section 5, each optional, with strict (no violation allowed) or
/// lenient (at most one) feasibility. A violation records the value, the limit and the relative
/// shortfall, which the sampler uses to rank infeasible trials (nearest misses first).
public struct TrialConstraints: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable {
        case strict, lenient
    }

    /// One missed constraint.
    public struct Violation: Sendable, Equatable, Codable {
        public var name: String
        /// The trial's value; nil when the metric does not exist for it (e.g. no trades).
        public var value: Double?
        public var limit: Double
        /// How far it missed, relative to the limit (1 when the value does not exist).
        public var shortfall: Double
    }

    public var minSharpe: Double? = 1.0
    public var maxDrawdownPct: Double? = 20
    public var minTrades: Int? = 50
    public var minWinRatePct: Double? = 45
    public var minProfitFactor: Double? = 1.1
    public var minCalmar: Double? = 0.5
    public var mode = Mode.strict

    public init() {}

    /// No constraints at all.
    public static var none: TrialConstraints {
        var constraints = TrialConstraints()
        constraints.minSharpe = nil
        constraints.maxDrawdownPct = nil
        constraints.minTrades = nil
        constraints.minWinRatePct = nil
        constraints.minProfitFactor = nil
        constraints.minCalmar = nil
        return constraints
    }

    /// Every constraint the metrics miss.
    public func violations(_ metrics: ObjectiveMetrics) -> [Violation] {
        var result: [Violation] = []
        func atLeast(_ name: String, _ value: Double?, _ limit: Double?) {
            guard let limit else { return }
            guard let value else {
                result.append(Violation(name: name, value: nil, limit: limit, shortfall: 1))
                return
            }
            if value < limit { result.append(Violation(name: name, value: value, limit: limit, shortfall: (limit - value) / max(abs(limit), 1))) }
        }
        atLeast("min_sharpe", metrics.sharpe, minSharpe)
        if let limit = maxDrawdownPct, metrics.maxDrawdownPct > limit {
            result.append(Violation(
                name: "max_drawdown_pct", value: metrics.maxDrawdownPct, limit: limit, shortfall: (metrics.maxDrawdownPct - limit) / max(abs(limit), 1)))
        }
        atLeast("min_trades", Double(metrics.trades), minTrades.map(Double.init))
        atLeast("min_win_rate_pct", metrics.winRatePct, minWinRatePct)
        atLeast("min_profit_factor", metrics.profitFactor, minProfitFactor)
        atLeast("min_calmar", metrics.calmar, minCalmar)
        return result
    }

    /// Feasible under the mode: no violation (strict) or at most one (lenient).
    public func isFeasible(_ violations: [Violation]) -> Bool {
        violations.count <= (mode == .strict ? 0 : 1)
    }

    /// What the sampler ranks infeasible trials by: 0 when feasible, else the total shortfall.
    public func samplerViolation(_ violations: [Violation]) -> Double {
        isFeasible(violations) ? 0 : violations.reduce(0) { $0 + $1.shortfall }
    }
}
