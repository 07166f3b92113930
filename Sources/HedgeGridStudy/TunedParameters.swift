import HedgeGridCore
import HedgeGridOptimization

/// The 17 HedgeGridV1 parameters the optimizer tunes (spec section 5), by their YAML key paths,
/// with the spec's default ranges, and how a sampled set is applied to a strategy.
public enum TunedParameters {
    /// Key path, default range, integer or not, log scale or not.
    static let table: [(key: String, low: Double, high: Double, integer: Bool, log: Bool)] = [
        ("grid.grid_step_bps", 10, 200, false, false),
        ("grid.grid_levels_long", 3, 20, true, false),
        ("grid.grid_levels_short", 3, 20, true, false),
        ("grid.base_qty", 0.001, 0.1, false, true),
        ("grid.qty_scale", 1.0, 1.5, false, false),
        ("exit.tp_steps", 1, 10, true, false),
        ("exit.sl_steps", 3, 20, true, false),
        ("rebalance.recenter_trigger_bps", 50, 500, false, false),
        ("regime.adx_len", 7, 30, true, false),
        ("regime.ema_fast", 5, 25, true, false),
        ("regime.ema_slow", 20, 60, true, false),
        ("regime.atr_len", 7, 30, true, false),
        ("regime.hysteresis_bps", 5, 50, false, false),
        ("policy.counter_levels", 2, 10, true, false),
        ("policy.counter_qty_scale", 0.3, 0.8, false, false),
        ("funding.funding_max_cost_bps", 5, 50, false, false),
        ("position.max_position_pct", 0.5, 0.95, false, false),
    ]

    /// Every tunable key path, in the spec's order.
    public static var keys: [String] { table.map(\.key) }

    /// The spec's default search space.
    public static var defaultSpace: [ParameterDomain] {
        table.map { ParameterDomain(name: $0.key, low: $0.low, high: $0.high, step: $0.integer ? 1 : nil, log: $0.log) }
    }

    /// Whether a key must take integer values.
    public static func isInteger(_ key: String) -> Bool {
        table.first { $0.key == key }?.integer ?? false
    }

    /// The values a strategy has for the tuned keys.
    public static func values(of parameters: HedgeGridParameters) -> [String: Double] {
        [
            "grid.grid_step_bps": parameters.gridStepBps,
            "grid.grid_levels_long": Double(parameters.gridLevelsLong),
            "grid.grid_levels_short": Double(parameters.gridLevelsShort),
            "grid.base_qty": parameters.baseQuantity,
            "grid.qty_scale": parameters.quantityScale,
            "exit.tp_steps": parameters.takeProfitSteps,
            "exit.sl_steps": parameters.stopLossSteps,
            "rebalance.recenter_trigger_bps": parameters.recenterTriggerBps,
            "regime.adx_len": Double(parameters.regime.adxLength),
            "regime.ema_fast": Double(parameters.regime.emaFast),
            "regime.ema_slow": Double(parameters.regime.emaSlow),
            "regime.atr_len": Double(parameters.regime.atrLength),
            "regime.hysteresis_bps": parameters.regime.hysteresisBps,
            "policy.counter_levels": Double(parameters.counterLevels),
            "policy.counter_qty_scale": parameters.counterQuantityScale,
            "funding.funding_max_cost_bps": parameters.fundingMaxCostBps,
            "position.max_position_pct": parameters.maxPositionPct,
        ]
    }

    /// A combination the strategy cannot run as sampled.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The base strategy with `values` applied. Invalid combinations are rejected, never
    /// silently turned into something else: ema_fast >= ema_slow, tp_steps > 3 * sl_steps.
    public static func apply(_ values: [String: Double], to base: HedgeGridParameters) -> Result<HedgeGridParameters, Rejection> {
        var parameters = base
        for (key, value) in values {
            switch key {
            case "grid.grid_step_bps": parameters.gridStepBps = value
            case "grid.grid_levels_long": parameters.gridLevelsLong = Int(value.rounded())
            case "grid.grid_levels_short": parameters.gridLevelsShort = Int(value.rounded())
            case "grid.base_qty": parameters.baseQuantity = value
            case "grid.qty_scale": parameters.quantityScale = value
            case "exit.tp_steps": parameters.takeProfitSteps = value
            case "exit.sl_steps": parameters.stopLossSteps = value
            case "rebalance.recenter_trigger_bps": parameters.recenterTriggerBps = value
            case "regime.adx_len": parameters.regime.adxLength = Int(value.rounded())
            case "regime.ema_fast": parameters.regime.emaFast = Int(value.rounded())
            case "regime.ema_slow": parameters.regime.emaSlow = Int(value.rounded())
            case "regime.atr_len": parameters.regime.atrLength = Int(value.rounded())
            case "regime.hysteresis_bps": parameters.regime.hysteresisBps = value
            case "policy.counter_levels": parameters.counterLevels = Int(value.rounded())
            case "policy.counter_qty_scale": parameters.counterQuantityScale = value
            case "funding.funding_max_cost_bps": parameters.fundingMaxCostBps = value
            case "position.max_position_pct": parameters.maxPositionPct = value
            default: return .failure(Rejection(description: "unknown parameter \(key)"))
            }
        }
        if parameters.regime.emaFast >= parameters.regime.emaSlow {
            return .failure(Rejection(description: "rejected: regime.ema_fast (\(parameters.regime.emaFast)) must be below regime.ema_slow (\(parameters.regime.emaSlow))"))
        }
        if parameters.takeProfitSteps > 3 * parameters.stopLossSteps {
            return .failure(Rejection(description: "rejected: exit.tp_steps (\(parameters.takeProfitSteps)) exceeds 3 * exit.sl_steps (\(parameters.stopLossSteps))"))
        }
        return .success(parameters)
    }
}
