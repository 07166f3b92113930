import HedgeGridCore

/// The strategy YAML (`configs/strategies/*.yaml`), keys compatible with the reference.
public struct StrategyConfig: Sendable {
    public var name: String
    public var instrumentID: String?
    public var parameters: HedgeGridParameters
    public var warnings: [String]

    /// Reads and validates every key; an error names the file, the key and the allowed values.
    public init(reader: ConfigReader) throws(ConfigError) {
        var parameters = HedgeGridParameters()
        name = try reader.string("strategy.name", default: "hedge_grid_v1")
        instrumentID = reader.has("strategy.instrument_id") ? try reader.string("strategy.instrument_id") : nil

        parameters.gridStepBps = try reader.double("grid.grid_step_bps", in: 0.1...10_000)
        parameters.gridLevelsLong = try reader.int("grid.grid_levels_long", in: 0...200)
        parameters.gridLevelsShort = try reader.int("grid.grid_levels_short", in: 0...200)
        parameters.baseQuantity = try reader.double("grid.base_qty", in: 1e-12...1e12)
        parameters.quantityScale = try reader.double("grid.qty_scale", default: 1, in: 0.01...10)

        parameters.takeProfitSteps = try reader.double("exit.tp_steps", in: 0.01...1000)
        parameters.stopLossSteps = try reader.double("exit.sl_steps", in: 0.01...1000)
        parameters.stopLossEnabled = try reader.bool("exit.stop_loss_enabled", default: true)

        parameters.recenterTriggerBps = try reader.double("rebalance.recenter_trigger_bps", in: 0.1...100_000)
        parameters.recenterEnabled = try reader.bool("rebalance.enabled", default: true)
        reader.ignore("rebalance.max_inventory_quote", because: "the position cap is position.max_position_pct")

        parameters.retryAttempts = try reader.int("execution.retry_attempts", default: 3, in: 0...100)
        parameters.retryTicks = try reader.int("execution.retry_ticks", default: 1, in: 1...10_000)
        if try !reader.bool("execution.use_post_only_retries", default: true) { parameters.retryAttempts = 0 }
        reader.ignore("execution.maker_only", because: "entries are always post-only limits")
        reader.ignore("execution.retry_delay_ms", because: "a backtest retries within the bar")

        parameters.fundingWindowMinutes = try reader.double("funding.funding_window_minutes", default: 480, in: 1...10_080)
        parameters.fundingMaxCostBps = try reader.double("funding.funding_max_cost_bps", in: 0...10_000)
        parameters.fundingGuardEnabled = try reader.bool("funding.enabled", default: true)

        var regime = RegimeDetector.Parameters()
        regime.adxLength = try reader.int("regime.adx_len", in: 1...1_000)
        regime.emaFast = try reader.int("regime.ema_fast", in: 1...10_000)
        regime.emaSlow = try reader.int("regime.ema_slow", in: 1...10_000)
        regime.atrLength = try reader.int("regime.atr_len", in: 1...1_000)
        regime.hysteresisBps = try reader.double("regime.hysteresis_bps", in: 0...10_000)
        regime.adxThreshold = try reader.double("regime.adx_threshold", default: 20, in: 0...100)
        guard regime.emaFast < regime.emaSlow else {
            throw reader.error("regime.ema_fast", "must be less than regime.ema_slow (\(regime.emaFast) >= \(regime.emaSlow))")
        }
        parameters.regime = regime
        parameters.regimeEnabled = try reader.bool("regime.enabled", default: true)

        var maxPosition = try reader.double("position.max_position_pct", default: 0.75, in: 0.0001...100)
        var warnings: [String] = []
        if maxPosition > 1 {
            warnings.append("\(reader.file): position.max_position_pct: \(maxPosition) read as a percent (\(maxPosition / 100) of equity); write a fraction")
            maxPosition /= 100
        }
        parameters.maxPositionPct = maxPosition
        parameters.positionCapEnabled = try reader.bool("position.enabled", default: true)
        reader.ignore("position.max_position_size", because: "use position.max_position_pct")
        reader.ignore("position.max_leverage_used", because: "leverage comes from the backtest's venues")
        reader.ignore("position.emergency_liquidation_buffer", because: "liquidation follows the maintenance margin")

        let policy = try reader.string("policy.strategy", default: "throttled-counter", oneOf: ["throttled-counter", "core-and-scalp"])
        parameters.policy = PlacementPolicy(rawValue: policy)!
        parameters.counterLevels = try reader.int("policy.counter_levels", in: 0...200)
        parameters.counterQuantityScale = try reader.double("policy.counter_qty_scale", in: 0...10)

        if try reader.bool("risk_management.enabled", default: false) {
            var limits = RiskLimits()
            if reader.has("risk_management.max_drawdown_pct") {
                limits.maxDrawdownPct = try reader.double("risk_management.max_drawdown_pct", in: 0.01...100)
            }
            if reader.has("risk_management.drawdown_cooldown_minutes") {
                limits.drawdownCooldownMinutes = try reader.double("risk_management.drawdown_cooldown_minutes", in: 1...10_000_000)
            }
            if try reader.bool("risk_management.circuit_breaker.enabled", default: reader.has("risk_management.circuit_breaker")) {
                limits.circuitBreakerMovePct = try reader.double("risk_management.circuit_breaker.max_move_pct", in: 0.01...1_000)
                limits.circuitBreakerWindowMinutes = try reader.int("risk_management.circuit_breaker.window_minutes", default: 15, in: 1...100_000)
                limits.circuitBreakerCooldownMinutes = try reader.double("risk_management.circuit_breaker.cooldown_minutes", default: 60, in: 0...10_000_000)
            }
            parameters.riskLimits = limits
        } else if reader.has("risk_management") {
            reader.ignore("risk_management", because: "risk_management.enabled is false")
        }
        self.parameters = parameters
        self.warnings = warnings + reader.warnings
    }
}
