import Foundation
import HedgeGridClient
import HedgeGridRPC

/// Human renderings of study answers (trials, metrics, parameters) for optimize and analyze.
enum StudyText {
    /// Writes every trial of a study to a CSV file (`study/export`), or exits with the reason.
    static func exportCSV(_ client: RPCClient, study: String, dbPath: String?, to file: String) async throws {
        let csv = await Console.call(
            client, MethodName.studyExport,
            try JSONValue(encoding: StudyExportParams(
                studyName: study, format: "csv", dbPath: dbPath, workingDirectory: FileManager.default.currentDirectoryPath)))
        do {
            try (csv["content"]?.stringValue ?? "").write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            Console.fail("cannot write \(file): \(error)")
        }
    }

    static func number(_ value: JSONValue?, _ format: String, suffix: String = "") -> String {
        guard let value = value?.doubleValue else { return "n/a" }
        return String(format: format, value) + suffix
    }

    /// The reference's end-of-study block for one trial.
    static func bestBlock(_ trial: JSONValue) -> String {
        let metrics = trial["metrics"] ?? .null
        return """
              trial        #\(trial["number"]?.intValue ?? -1)
              score        \(number(trial["score"], "%.4f"))
              Sharpe       \(number(metrics["sharpe"], "%.2f"))
              total profit \(number(metrics["totalPnl"], "%.2f")) USDT (\(number(metrics["totalReturnPct"], "%.2f")) %)
              Calmar       \(number(metrics["calmar"], "%.2f"))
              max drawdown \(number(metrics["maxDrawdownPct"], "%.2f")) %
              win rate     \(number(metrics["winRatePct"], "%.1f")) %
              trades       \(metrics["roundTrips"]?.intValue ?? 0)
            """
    }

    /// A table of trials: number, state, score, feasibility and key metrics.
    static func trialTable(_ trials: [JSONValue]) -> String {
        var table = TextTable(["#", "state", "score", "feasible", "Sharpe", "return %", "Calmar", "max DD %", "trades", "win %", "violations"])
        for trial in trials {
            let metrics = trial["metrics"] ?? .null
            let violations = (trial["violations"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            table.add([
                "\(trial["number"]?.intValue ?? -1)", trial["state"]?.stringValue ?? "", number(trial["score"], "%.4f"),
                trial["feasible"]?.boolValue.map { $0 ? "yes" : "no" } ?? "-", number(metrics["sharpe"], "%.2f"),
                number(metrics["totalReturnPct"], "%.2f"), number(metrics["calmar"], "%.2f"), number(metrics["maxDrawdownPct"], "%.2f"),
                metrics["roundTrips"]?.intValue.map(String.init) ?? "-", number(metrics["winRatePct"], "%.1f"),
                violations.isEmpty ? (trial["error"]?.stringValue ?? "") : violations.joined(separator: ","),
            ])
        }
        return table.rendered
    }

    /// The parameters of a trial, one per line.
    static func parameters(_ trial: JSONValue) -> String {
        guard case .object(let parameters)? = trial["parameters"] else { return "" }
        return parameters.keys.sorted().map { key in
            let value = parameters[key]?.doubleValue ?? .nan
            let text = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
            return "  \(key.padding(toLength: 32, withPad: " ", startingAt: 0)) \(text)"
        }.joined(separator: "\n")
    }
}
