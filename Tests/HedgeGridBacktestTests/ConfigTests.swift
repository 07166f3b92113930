import Foundation
import HedgeGridBacktest
import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// Strategy and backtest YAML: values, substitution, and one specific error per wrong key.
@Suite struct ConfigTests {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
    static var strategyText: String { try! String(contentsOfFile: root + "/configs/strategies/hedge_grid_v1.yaml", encoding: .utf8) }
    static var backtestText: String { try! String(contentsOfFile: root + "/configs/backtest/near_2025_09.yaml", encoding: .utf8) }

    func strategy(_ text: String, environment: [String: String] = [:]) throws -> StrategyConfig {
        try StrategyConfig(reader: ConfigReader(yaml: text, file: "s.yaml", environment: environment))
    }

    func backtest(_ text: String, environment: [String: String] = [:]) throws -> BacktestConfig {
        try BacktestConfig(reader: ConfigReader(yaml: text, file: "b.yaml", environment: environment), baseDirectory: "/base")
    }

    /// The bundled text with one line replaced.
    static func replacing(_ text: String, _ old: String, with new: String) -> String {
        precondition(text.contains(old), "fixture line not found: \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func bundledStrategyReadsWithTheReferenceDefaults() throws {
        let config = try strategy(Self.strategyText)
        let parameters = config.parameters
        #expect(parameters.gridStepBps == 50)
        #expect(parameters.gridLevelsLong == 6 && parameters.gridLevelsShort == 6)
        #expect(parameters.baseQuantity == 20)
        #expect(parameters.takeProfitSteps == 3 && parameters.stopLossSteps == 5)
        #expect(parameters.regime == RegimeDetector.Parameters(emaFast: 10, emaSlow: 30, adxLength: 14, atrLength: 14, hysteresisBps: 35, adxThreshold: 20))
        #expect(parameters.policy == .throttledCounter)
        #expect(parameters.counterLevels == 4 && parameters.counterQuantityScale == 0.5)
        #expect(parameters.maxPositionPct == 0.75)
        #expect(config.warnings.isEmpty, "\(config.warnings)")
    }

    @Test func bundledBacktestReads() throws {
        let config = try backtest(Self.backtestText)
        #expect(config.start == 1_756_771_200_000)  // 2025-09-02T00:00:00Z
        #expect(config.end == 1_759_276_800_000)
        #expect(config.barSource == .last)
        #expect(config.barFiles == ["/base/data/bundled/NEARUSDT-1m-2025-09.zip"])
        #expect(config.exchange.makerFee == 0.0002 && config.exchange.takerFee == 0.0005)
        #expect(config.exchange.startingBalance == 10_000 && config.exchange.leverage == 3)
        #expect(config.exchange.filters == InstrumentFilters(tickSize: 0.001, stepSize: 1, minQty: 1, minNotional: 5))
        #expect(config.reportDirectory == "/base/reports")
        #expect(config.warnings.isEmpty, "\(config.warnings)")
    }

    @Test func environmentVariablesAndDefaultsAreSubstituted() throws {
        #expect(try strategy(Self.strategyText, environment: ["HEDGEGRID_BASE_QTY": "7"]).parameters.baseQuantity == 7)
        #expect(try backtest(Self.backtestText, environment: ["HEDGEGRID_BALANCE": "500"]).exchange.startingBalance == 500)
        let text = Self.replacing(Self.strategyText, "grid_step_bps: 50 ", with: "grid_step_bps: ${STEP} ")
        #expect {
            _ = try strategy(text)
        } throws: { error in
            "\(error)" == "s.yaml: environment variable 'STEP' is not set and '${STEP}' has no default (write ${STEP:-value})"
        }
        #expect(try strategy(text, environment: ["STEP": "25"]).parameters.gridStepBps == 25)
    }

    @Test(arguments: [
        ("grid_step_bps: 50 ", "grid_step_bps: fifty ", "s.yaml: grid.grid_step_bps: must be a number, got 'fifty'"),
        ("grid_step_bps: 50 ", "grid_step_bps: 0 ", "s.yaml: grid.grid_step_bps: must be in 0.1...10000.0, got 0.0"),
        ("grid_levels_long: 6 ", "grid_levels_long: 2.5 ", "s.yaml: grid.grid_levels_long: must be an integer, got 2.5"),
        ("grid_levels_long: 6 ", "grid_levels_long: 500 ", "s.yaml: grid.grid_levels_long: must be in 0...200, got 500"),
        ("  tp_steps: 3 ", "  tp_steps_typo: 3 ", "s.yaml: exit.tp_steps: missing (a number in 0.01...1000.0)"),
        ("strategy: throttled-counter", "strategy: grid-o-matic", "s.yaml: policy.strategy: must be one of throttled-counter, core-and-scalp, got 'grid-o-matic'"),
        ("ema_fast: 10 ", "ema_fast: 40 ", "s.yaml: regime.ema_fast: must be less than regime.ema_slow (40 >= 30)"),
        ("stop_loss_enabled: true", "stop_loss_enabled: maybe", "s.yaml: exit.stop_loss_enabled: must be true or false, got 'maybe'"),
    ])
    func wrongStrategyValuesGiveTheirOwnError(old: String, new: String, message: String) {
        #expect {
            _ = try strategy(Self.replacing(Self.strategyText, old, with: new))
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test(arguments: [
        (#"start_time: "2025-09-02T00:00:00Z""#, #"start_time: "yesterday""#, "b.yaml: time_range.start_time: must be a UTC date or time like 2025-09-01 or 2025-09-01T00:00:00Z, got 'yesterday'"),
        (#"end_time: "2025-10-01T00:00:00Z""#, #"end_time: "2025-09-01""#, "b.yaml: time_range.end_time: must be after time_range.start_time"),
        ("bar_source: last", "bar_source: index", "b.yaml: data.bar_source: must be one of mark, last, got 'index'"),
        ("tick_size: 0.001", "tick_size: -1", "b.yaml: instrument.tick_size: must be in 1e-12...1000000000.0, got -1.0"),
        ("leverage: 3", "leverage: 500", "b.yaml (venues[0]): leverage: must be in 1.0...125.0, got 500.0"),
        ("maker_bps: 2", "maker_bps: cheap", "b.yaml: execution.fees.maker_bps: must be a number, got 'cheap'"),
    ])
    func wrongBacktestValuesGiveTheirOwnError(old: String, new: String, message: String) {
        #expect {
            _ = try backtest(Self.replacing(Self.backtestText, old, with: new))
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func missingSectionsAndFilesAreNamed() throws {
        #expect {
            _ = try backtest(Self.replacing(Self.backtestText, "venues:", with: "venuez:"))
        } throws: { error in
            "\(error)" == "b.yaml: venues: missing: one venue with starting_balance and leverage"
        }
        #expect {
            _ = try ConfigReader(path: "/no/such/config.yaml", environment: [:])
        } throws: { error in
            "\(error)" == "/no/such/config.yaml: cannot read the file (missing, unreadable or not UTF-8)"
        }
        #expect {
            _ = try strategy("grid: [1, 2")
        } throws: { error in
            "\(error)".hasPrefix("s.yaml: not valid YAML")
        }
    }

    @Test func unknownKeysAreWarnedAboutNotIgnoredSilently() throws {
        let text = Self.replacing(Self.strategyText, "  qty_scale: 1.05", with: "  qty_scale: 1.05\n  qty_scael: 2\nextra_section:\n  x: 1\ngrid_extra: 3")
        let config = try strategy(text)
        #expect(config.warnings.contains("s.yaml: grid.qty_scael: unknown key, ignored"))
        #expect(config.warnings.contains("s.yaml: extra_section.x: unknown key, ignored"))
        #expect(config.warnings.contains("s.yaml: grid_extra: unknown key, ignored"))
    }

    @Test func referenceKeysAreAcceptedWithANote() throws {
        let text = Self.strategyText.replacingOccurrences(of: "  enabled: true\n\npolicy", with: "  enabled: true\n  max_position_size: 5\n\npolicy")
        let config = try strategy(text)
        #expect(config.warnings.contains { $0.contains("position.max_position_size: accepted for compatibility") })
        let disabled = try strategy(Self.strategyText + "\nrisk_management:\n  enabled: false\n  max_drawdown_pct: 20\n")
        #expect(disabled.parameters.riskLimits == nil)
    }

    @Test func riskManagementReadsItsGates() throws {
        let text = Self.strategyText + """

            risk_management:
              enabled: true
              max_drawdown_pct: 20
              drawdown_cooldown_minutes: 1440
              circuit_breaker:
                max_move_pct: 5
                window_minutes: 10
                cooldown_minutes: 30
            """
        let limits = try #require(try strategy(text).parameters.riskLimits)
        #expect(limits == RiskLimits(maxDrawdownPct: 20, drawdownCooldownMinutes: 1440, circuitBreakerMovePct: 5, circuitBreakerWindowMinutes: 10, circuitBreakerCooldownMinutes: 30))
        #expect {
            _ = try strategy(Self.strategyText + "\nrisk_management:\n  enabled: true\n  max_drawdown_pct: 0\n")
        } throws: { error in
            "\(error)" == "s.yaml: risk_management.max_drawdown_pct: must be in 0.01...100.0, got 0.0"
        }
    }

    @Test func positionPercentIsReadAsAFractionWithAWarning() throws {
        let config = try strategy(Self.replacing(Self.strategyText, "max_position_pct: 0.75", with: "max_position_pct: 75"))
        #expect(config.parameters.maxPositionPct == 0.75)
        #expect(config.warnings.contains { $0.contains("read as a percent") })
    }
}
