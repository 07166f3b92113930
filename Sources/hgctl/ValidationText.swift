import Foundation
import HedgeGridRPC

/// Out-of-sample results as a table.
enum ValidationText {
    static func table(_ validations: [JSONValue]) -> String {
        var table = TextTable(["#", "period", "score", "feasible", "Sharpe", "return %", "Calmar", "max DD %", "trades", "win %"])
        for validation in validations {
            let metrics = validation["metrics"] ?? .null
            table.add([
                "\(validation["trialNumber"]?.intValue ?? -1)", validation["period"]?.stringValue ?? "", StudyText.number(validation["score"], "%.4f"),
                validation["feasible"]?.boolValue.map { $0 ? "yes" : "no" } ?? "-", StudyText.number(metrics["sharpe"], "%.2f"),
                StudyText.number(metrics["totalReturnPct"], "%.2f"), StudyText.number(metrics["calmar"], "%.2f"),
                StudyText.number(metrics["maxDrawdownPct"], "%.2f"), metrics["roundTrips"]?.intValue.map(String.init) ?? "-",
                StudyText.number(metrics["winRatePct"], "%.1f"),
            ])
        }
        return table.rendered
    }
}
