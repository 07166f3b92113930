import Foundation

/// Trials as CSV: one row per trial with its state, score, feasibility, key metrics, every
/// parameter and the error, if any.
public enum TrialTable {
    public static func csv(_ trials: [TrialRecord], parameters: [String]) -> String {
        var lines = [
            (["number", "state", "score", "feasible", "violations", "sharpe", "total_return_pct", "calmar", "max_drawdown_pct", "round_trips",
              "win_rate_pct", "profit_factor", "fees_paid", "funding_paid", "duration_ms"] + parameters + ["error"]).joined(separator: ",")
        ]
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func quoted(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        for trial in trials {
            let metrics = trial.metrics
            var row = [
                "\(trial.number)", trial.state.rawValue, number(trial.score), trial.feasible.map { $0 ? "true" : "false" } ?? "",
                quoted(trial.violations.map(\.name).joined(separator: ";")), number(metrics?.sharpe), number(metrics?.totalReturnPct),
                number(metrics?.calmar), number(metrics?.maxDrawdownPct), metrics.map { "\($0.roundTrips)" } ?? "", number(metrics?.winRatePct),
                number(metrics?.profitFactor), number(metrics?.feesPaid), number(metrics?.fundingPaid), number(trial.durationMs),
            ]
            row += parameters.map { name in trial.parameters[name].map { BestParametersDocument.format($0, integer: TunedParameters.isInteger(name)) } ?? "" }
            row.append(quoted(trial.error ?? ""))
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
