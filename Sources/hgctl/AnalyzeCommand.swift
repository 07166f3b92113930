import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl analyze`: a study's statistics, best trials, parameter importance, out-of-sample
/// results, and a comparison with another study.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Show a study's statistics, top trials and parameter importance (without --study-name: list the studies).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("study-name"), help: "The study.")
    var studyName: String?

    @Option(name: .customLong("top-n"), help: "How many of the best trials to show.")
    var topN = 10

    @Option(name: .customLong("export-csv"), help: "Write every trial to this CSV file.")
    var exportCSV: String?

    @Option(name: .customLong("compare-with"), help: "Another study to compare with, side by side.")
    var compareWith: String?

    @Option(name: .customLong("db-path"), help: "Study database (default: the daemon's state directory).")
    var dbPath: String?

    func validate() throws {
        if topN < 1 { throw ValidationError("--top-n must be at least 1, got \(topN)") }
    }

    func run() async throws {
        let client = try global.connect()
        let directory = FileManager.default.currentDirectoryPath
        guard let studyName else {
            let list = await Console.call(client, MethodName.studyList, try JSONValue(encoding: StudyListParams(dbPath: dbPath, workingDirectory: directory)))
            if global.json { return Console.printJSON(list) }
            var table = TextTable(["study", "trials", "target", "feasible", "best score", "sampler"])
            for study in list["studies"]?.arrayValue ?? [] {
                table.add([
                    study["name"]?.stringValue ?? "", "\(study["finishedTrials"]?.intValue ?? 0)", "\(study["targetTrials"]?.intValue ?? 0)",
                    "\(study["feasible"]?.intValue ?? 0)", StudyText.number(study["best"]?["score"], "%.4f"), study["sampler"]?.stringValue ?? "",
                ])
            }
            print("Studies in \(list["dbPath"]?.stringValue ?? ""):")
            print(table.rendered)
            return
        }
        let reference = try JSONValue(encoding: StudyRefParams(studyName: studyName, dbPath: dbPath, workingDirectory: directory))
        let statistics = await Console.call(client, MethodName.studyGet, reference)
        let trials = await Console.call(
            client, MethodName.studyTrials,
            try JSONValue(encoding: StudyTrialsParams(studyName: studyName, sort: "score", topN: topN, dbPath: dbPath, workingDirectory: directory)))
        let importance = await Console.call(client, MethodName.studyImportance, reference)
        var comparison: JSONValue?
        if let compareWith {
            comparison = await Console.call(
                client, MethodName.studyGet, try JSONValue(encoding: StudyRefParams(studyName: compareWith, dbPath: dbPath, workingDirectory: directory)))
        }
        if let exportCSV { try await StudyText.exportCSV(client, study: studyName, dbPath: dbPath, to: exportCSV) }
        if global.json {
            var object: [String: JSONValue] = ["statistics": statistics, "top": trials["trials"] ?? .array([]), "importance": importance["importance"] ?? .null]
            if let comparison { object["comparison"] = comparison }
            return Console.printJSON(.object(object))
        }
        print(Self.statisticsText(statistics))
        print("\nTop \(topN) trials (feasible first, by score):")
        print(StudyText.trialTable(trials["trials"]?.arrayValue ?? []))
        print("\nParameter importance (share of the score's variance each parameter explains alone, \(importance["trials"]?.intValue ?? 0) trials):")
        for entry in importance["importance"]?.arrayValue ?? [] {
            let share = entry["importance"]?.doubleValue ?? 0
            let bar = String(repeating: "#", count: Int((share * 40).rounded()))
            print("  \((entry["name"]?.stringValue ?? "").padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%5.1f", share * 100)) % \(bar)")
        }
        let validations = statistics["validations"]?.arrayValue ?? []
        if !validations.isEmpty {
            print("\nIn sample vs out of sample:")
            print(Self.sideBySide(validations, trials: trials["trials"]?.arrayValue ?? []))
        }
        if let comparison {
            print("\nComparison:")
            print(Self.comparisonText(statistics, comparison))
        }
    }

    static func statisticsText(_ statistics: JSONValue) -> String {
        var lines = [
            "Study \(statistics["name"]?.stringValue ?? "") (\(statistics["sampler"]?.stringValue ?? ""), seed \(statistics["seed"]?.intValue ?? 0)) in \(statistics["dbPath"]?.stringValue ?? "")",
            "  trials      \(statistics["finishedTrials"]?.intValue ?? 0) of \(statistics["targetTrials"]?.intValue ?? 0): \(statistics["complete"]?.intValue ?? 0) complete, \(statistics["pruned"]?.intValue ?? 0) pruned, \(statistics["failed"]?.intValue ?? 0) failed, \(statistics["running"]?.intValue ?? 0) running, \(statistics["cleanedTrials"]?.intValue ?? 0) cleaned up",
            "  feasible    \(statistics["feasible"]?.intValue ?? 0)",
            "  score       mean \(StudyText.number(statistics["scoreMean"], "%.4f")), std \(StudyText.number(statistics["scoreStd"], "%.4f")), min \(StudyText.number(statistics["scoreMin"], "%.4f")), max \(StudyText.number(statistics["scoreMax"], "%.4f"))",
            "  trial time  \(StudyText.number(statistics["meanTrialMs"], "%.1f")) ms on average",
        ]
        if let best = statistics["best"], best != .null {
            lines.append("Best feasible trial:")
            lines.append(StudyText.bestBlock(best))
        } else {
            lines.append("No feasible trial yet.")
        }
        return lines.joined(separator: "\n")
    }

    static func sideBySide(_ validations: [JSONValue], trials: [JSONValue]) -> String {
        var table = TextTable(["#", "in score", "in Sharpe", "in return %", "in max DD %", "out score", "out Sharpe", "out return %", "out max DD %", "out feasible"])
        for validation in validations {
            let number = validation["trialNumber"]?.intValue
            let trial = trials.first { $0["number"]?.intValue == number } ?? .null
            let inside = trial["metrics"] ?? .null
            let outside = validation["metrics"] ?? .null
            table.add([
                "\(number ?? -1)", StudyText.number(trial["score"], "%.4f"), StudyText.number(inside["sharpe"], "%.2f"),
                StudyText.number(inside["totalReturnPct"], "%.2f"), StudyText.number(inside["maxDrawdownPct"], "%.2f"),
                StudyText.number(validation["score"], "%.4f"), StudyText.number(outside["sharpe"], "%.2f"),
                StudyText.number(outside["totalReturnPct"], "%.2f"), StudyText.number(outside["maxDrawdownPct"], "%.2f"),
                validation["feasible"]?.boolValue.map { $0 ? "yes" : "no" } ?? "-",
            ])
        }
        return table.rendered
    }

    static func comparisonText(_ left: JSONValue, _ right: JSONValue) -> String {
        var table = TextTable(["", left["name"]?.stringValue ?? "", right["name"]?.stringValue ?? ""])
        func row(_ label: String, _ value: (JSONValue) -> String) { table.add([label, value(left), value(right)]) }
        row("trials") { "\($0["finishedTrials"]?.intValue ?? 0)" }
        row("feasible") { "\($0["feasible"]?.intValue ?? 0)" }
        row("best score") { StudyText.number($0["best"]?["score"], "%.4f") }
        row("best Sharpe") { StudyText.number($0["best"]?["metrics"]?["sharpe"], "%.2f") }
        row("best return %") { StudyText.number($0["best"]?["metrics"]?["totalReturnPct"], "%.2f") }
        row("best max DD %") { StudyText.number($0["best"]?["metrics"]?["maxDrawdownPct"], "%.2f") }
        row("mean score") { StudyText.number($0["scoreMean"], "%.4f") }
        row("sampler") { $0["sampler"]?.stringValue ?? "" }
        return table.rendered
    }
}
