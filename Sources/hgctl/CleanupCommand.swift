import ArgumentParser
import Foundation
import HedgeGridRPC

/// `hgctl cleanup`: removes a study's weak trials, keeping its statistics consistent.
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove a study's trials below a score or outside the top N (the best feasible trial is always kept).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("study-name"), help: "The study.")
    var studyName: String

    @Option(name: .customLong("min-score"), help: "Remove trials scoring below this.")
    var minScore: Double?

    @Option(name: .customLong("keep-top-n"), help: "Keep only the N best trials.")
    var keepTopN: Int?

    @Option(name: .customLong("db-path"), help: "Study database (default: the daemon's state directory).")
    var dbPath: String?

    func validate() throws {
        if minScore == nil && keepTopN == nil { throw ValidationError("give --min-score or --keep-top-n") }
        if let keepTopN, keepTopN < 1 { throw ValidationError("--keep-top-n must be at least 1, got \(keepTopN)") }
    }

    func run() async throws {
        let client = try global.connect()
        let params = StudyCleanupParams(
            studyName: studyName, minScore: minScore, keepTopN: keepTopN, dbPath: dbPath, workingDirectory: FileManager.default.currentDirectoryPath)
        let result = await Console.call(client, MethodName.studyCleanup, try JSONValue(encoding: params))
        if global.json { return Console.printJSON(result) }
        let statistics = result["statistics"] ?? .null
        print("Removed \(result["removed"]?.intValue ?? 0) trials from \(studyName); \(statistics["storedTrials"]?.intValue ?? 0) stored, \(statistics["finishedTrials"]?.intValue ?? 0) of \(statistics["targetTrials"]?.intValue ?? 0) trials done, best score \(StudyText.number(statistics["best"]?["score"], "%.4f"))")
    }
}
