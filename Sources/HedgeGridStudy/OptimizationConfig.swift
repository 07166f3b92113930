import HedgeGridBacktest
import HedgeGridOptimization

/// The optimization YAML (`configs/optimization/*.yaml`): the search space, the score's weights
/// and fixed normalisation bounds, the constraints, and the sampler's settings. Every key is
/// optional: what is absent keeps the spec's default.
public struct OptimizationConfig: Sendable, Equatable, Codable {
    public enum SamplerKind: String, Sendable, Codable, CaseIterable {
        case tpe, random
    }

    public var space = TunedParameters.defaultSpace
    public var score = ScoreFunction()
    public var constraints = TrialConstraints()
    public var sampler = SamplerKind.tpe
    public var seed: UInt64 = 42
    public var startupTrials = 10
    public var multivariate = false
    /// Running trials count as bad ones for the other workers (Optuna's constant liar).
    public var constantLiar = true
    /// Attempts after the first for a trial that fails or times out.
    public var maxRetries = 1
    /// Seconds a trial may run before it is stopped and counted as failed; nil: no limit.
    public var trialTimeoutSeconds: Double?
    /// How many of the best trials are re-run on the validation period.
    public var validateTop = 5
    public var warnings: [String] = []

    public init() {}

    /// Reads and validates every key; errors name the file and key path.
    public init(reader: ConfigReader) throws(ConfigError) {
        var space: [ParameterDomain] = []
        let defaults = TunedParameters.defaultSpace
        for section in reader.keys("parameters") {
            for name in reader.keys("parameters.\(section)") {
                let key = "\(section).\(name)"
                let path = "parameters.\(key)"
                guard let fallback = defaults.first(where: { $0.name == key }) else {
                    throw reader.error(path, "not a tunable parameter; one of: \(TunedParameters.keys.joined(separator: ", "))")
                }
                space.append(try Self.domain(reader, path: path, key: key, fallback: fallback))
            }
        }
        if reader.has("parameters") {
            // The order of the space is the spec's, whatever the file's order.
            self.space = TunedParameters.keys.compactMap { key in space.first { $0.name == key } }
        }
        sampler = SamplerKind(rawValue: try reader.string("optimization.sampler", default: "tpe", oneOf: SamplerKind.allCases.map(\.rawValue)))!
        seed = UInt64(try reader.int("optimization.seed", default: 42, in: 0...Int.max))
        startupTrials = try reader.int("optimization.n_startup_trials", default: 10, in: 0...100_000)
        multivariate = try reader.bool("optimization.multivariate", default: false)
        constantLiar = try reader.bool("optimization.constant_liar", default: true)
        maxRetries = try reader.int("optimization.max_retries", default: 1, in: 0...100)
        trialTimeoutSeconds = reader.has("optimization.trial_timeout_seconds")
            ? try reader.double("optimization.trial_timeout_seconds", in: 0.001...1_000_000) : nil
        validateTop = try reader.int("optimization.validate_top", default: 5, in: 1...1_000)

        score.weights.sharpe = try reader.double("objective.weights.sharpe", default: 0.30, in: 0...100)
        score.weights.profit = try reader.double("objective.weights.profit", default: 0.25, in: 0...100)
        score.weights.calmar = try reader.double("objective.weights.calmar", default: 0.25, in: 0...100)
        score.weights.drawdown = try reader.double("objective.weights.drawdown", default: 0.20, in: 0...100)
        score.sharpeBounds = try Self.bounds(reader, "objective.bounds.sharpe", score.sharpeBounds)
        score.profitPctBounds = try Self.bounds(reader, "objective.bounds.profit_pct", score.profitPctBounds)
        score.calmarBounds = try Self.bounds(reader, "objective.bounds.calmar", score.calmarBounds)
        score.drawdownPctBounds = try Self.bounds(reader, "objective.bounds.max_drawdown_pct", score.drawdownPctBounds)

        constraints.mode = TrialConstraints.Mode(rawValue: try reader.string("constraints.mode", default: "strict", oneOf: ["strict", "lenient"]))!
        func optional(_ key: String, _ fallback: Double?, _ range: ClosedRange<Double>) throws(ConfigError) -> Double? {
            guard reader.has(key) else { return fallback }
            return try reader.double(key, in: range)
        }
        if try reader.bool("constraints.enabled", default: true) {
            constraints.minSharpe = try optional("constraints.min_sharpe", constraints.minSharpe, -100...100)
            constraints.maxDrawdownPct = try optional("constraints.max_drawdown_pct", constraints.maxDrawdownPct, 0...100)
            constraints.minTrades = try optional("constraints.min_trades", constraints.minTrades.map(Double.init), 0...10_000_000).map { Int($0) }
            constraints.minWinRatePct = try optional("constraints.min_win_rate_pct", constraints.minWinRatePct, 0...100)
            constraints.minProfitFactor = try optional("constraints.min_profit_factor", constraints.minProfitFactor, 0...1_000)
            constraints.minCalmar = try optional("constraints.min_calmar", constraints.minCalmar, -1_000...1_000)
        } else {
            let mode = constraints.mode
            constraints = .none
            constraints.mode = mode
        }
        warnings = reader.warnings
    }

    /// `[min, max]` or `{min, max, step, log}`; `max_position_pct` in percent is read as a fraction.
    static func domain(_ reader: ConfigReader, path: String, key: String, fallback: ParameterDomain) throws(ConfigError) -> ParameterDomain {
        var low: Double
        var high: Double
        var step = fallback.step
        var log = false
        if reader.isList(path) {
            let pair = try reader.doubles(path)
            guard pair.count == 2 else { throw reader.error(path, "must be [min, max], got \(pair.count) numbers") }
            low = pair[0]
            high = pair[1]
        } else {
            low = try reader.double("\(path).min")
            high = try reader.double("\(path).max")
            if reader.has("\(path).step") { step = try reader.double("\(path).step", in: 1e-12...1e12) }
            log = try reader.bool("\(path).log", default: false)
        }
        if key == "position.max_position_pct" && high > 1 {
            low /= 100
            high /= 100
        }
        guard low <= high else { throw reader.error(path, "min (\(low)) must not exceed max (\(high))") }
        guard !log || low > 0 else { throw reader.error(path, "a log range needs min > 0, got \(low)") }
        if TunedParameters.isInteger(key) {
            guard low.rounded() == low && high.rounded() == high else { throw reader.error(path, "an integer parameter needs integer bounds, got [\(low), \(high)]") }
            guard (step ?? 1).rounded() == (step ?? 1) else { throw reader.error("\(path).step", "an integer parameter needs an integer step") }
        }
        if let minimum = Self.minimum[key], low < minimum {
            throw reader.error(path, "min must be at least \(minimum) for \(key), got \(low)")
        }
        return ParameterDomain(name: key, low: low, high: high, step: step, log: log)
    }

    /// The smallest value each parameter can run with.
    static let minimum: [String: Double] = [
        "grid.grid_step_bps": 0.1, "grid.grid_levels_long": 0, "grid.grid_levels_short": 0, "grid.base_qty": 1e-12,
        "grid.qty_scale": 0.01, "exit.tp_steps": 0.01, "exit.sl_steps": 0.01, "rebalance.recenter_trigger_bps": 0.1,
        "regime.adx_len": 1, "regime.ema_fast": 1, "regime.ema_slow": 1, "regime.atr_len": 1, "regime.hysteresis_bps": 0,
        "policy.counter_levels": 0, "policy.counter_qty_scale": 0, "funding.funding_max_cost_bps": 0,
        "position.max_position_pct": 0.0001,
    ]

    static func bounds(_ reader: ConfigReader, _ key: String, _ fallback: ScoreFunction.Bounds) throws(ConfigError) -> ScoreFunction.Bounds {
        guard reader.has(key) else { return fallback }
        let pair = try reader.doubles(key)
        guard pair.count == 2, pair[0] < pair[1] else { throw reader.error(key, "must be [low, high] with low < high") }
        return ScoreFunction.Bounds(pair[0], pair[1])
    }

    /// The number of bars the widest regime settings in the space need before the start.
    public var warmUpBars: Int {
        func high(_ key: String, _ fallback: Double) -> Double { space.first { $0.name == key }?.high ?? fallback }
        let adx = high("regime.adx_len", 14)
        let slow = high("regime.ema_slow", 30)
        let atr = high("regime.atr_len", 14)
        return Int(max(2 * adx, slow, atr, 0)) + 1
    }
}
