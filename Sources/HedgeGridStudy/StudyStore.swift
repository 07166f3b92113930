import Foundation
import GRDB

/// Studies and their trials in SQLite (WAL). Every change is one transaction, so a process killed
/// at any moment leaves complete trials complete and running ones recoverable: `recoverInterrupted`
/// marks them failed and re-queues their parameters as new trials. Trial numbers are unique per
/// study and never reused, even after cleanup.
public final class StudyStore: @unchecked Sendable {
    /// A store failure, naming the database.
    public struct StoreError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let path: String
    private let database: DatabaseQueue
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    /// Opens (creating if needed) the study database at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode=WAL") }
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE studies (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
                        target_trials INTEGER NOT NULL, next_number INTEGER NOT NULL DEFAULT 0, cleaned_trials INTEGER NOT NULL DEFAULT 0,
                        config TEXT NOT NULL);
                    CREATE TABLE trials (
                        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, number INTEGER NOT NULL,
                        state TEXT NOT NULL, score REAL, feasible INTEGER, counted INTEGER NOT NULL, record TEXT NOT NULL,
                        PRIMARY KEY (study_id, number));
                    CREATE INDEX trials_by_score ON trials (study_id, score);
                    CREATE TABLE validations (
                        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE, trial_number INTEGER NOT NULL,
                        record TEXT NOT NULL, PRIMARY KEY (study_id, trial_number));
                    """)
            }
            try migrator.migrate(database)
        } catch {
            throw StoreError(description: "cannot open the study database \(path): \(error)")
        }
    }

    private func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(description: "study database \(path): \(what) failed: \(error)")
        }
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    // MARK: Studies

    /// Creates a study; its id is filled in.
    public func create(_ study: StudyRecord) throws -> StudyRecord {
        try wrap("creating study \(study.name)") {
            try database.write { db in
                var stored = study
                try db.execute(
                    sql: "INSERT INTO studies (name, created_at, target_trials, config) VALUES (?, ?, ?, ?)",
                    arguments: [study.name, study.createdAt, study.targetTrials, try Self.json(study)])
                stored.id = db.lastInsertedRowID
                try db.execute(sql: "UPDATE studies SET config = ? WHERE id = ?", arguments: [try Self.json(stored), stored.id])
                return stored
            }
        }
    }

    private static func study(from row: Row) throws -> StudyRecord {
        var study = try decode(StudyRecord.self, row["config"])
        study.id = row["id"]
        study.targetTrials = row["target_trials"]
        study.cleanedTrials = row["cleaned_trials"]
        return study
    }

    /// The study called `name`, if any.
    public func study(named name: String) throws -> StudyRecord? {
        try wrap("reading study \(name)") {
            try database.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM studies WHERE name = ?", arguments: [name]).map(Self.study(from:))
            }
        }
    }

    /// Every study, by name.
    public func studies() throws -> [StudyRecord] {
        try wrap("listing studies") {
            try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM studies ORDER BY name").map(Self.study(from:)) }
        }
    }

    /// Adds `count` trials to the study's request; returns the new target.
    public func addTrials(studyID: Int64, count: Int) throws -> Int {
        try wrap("adding trials") {
            try database.write { db in
                try db.execute(sql: "UPDATE studies SET target_trials = target_trials + ? WHERE id = ?", arguments: [count, studyID])
                return try Int.fetchOne(db, sql: "SELECT target_trials FROM studies WHERE id = ?", arguments: [studyID]) ?? 0
            }
        }
    }

    /// Deletes a study with its trials and validations.
    public func delete(studyID: Int64) throws {
        try wrap("deleting a study") {
            try database.write { db in try db.execute(sql: "DELETE FROM studies WHERE id = ?", arguments: [studyID]) }
        }
    }

    // MARK: Trials

    private static func trial(from row: Row) throws -> TrialRecord {
        try decode(TrialRecord.self, row["record"])
    }

    /// Every trial of the study, by number.
    public func trials(studyID: Int64) throws -> [TrialRecord] {
        try wrap("reading trials") {
            try database.read { db in
                try Row.fetchAll(db, sql: "SELECT record FROM trials WHERE study_id = ? ORDER BY number", arguments: [studyID]).map(Self.trial(from:))
            }
        }
    }

    /// Finished trials that count towards the request, plus running and waiting ones.
    public func progress(studyID: Int64) throws -> (counted: Int, running: Int, waiting: Int) {
        try wrap("counting trials") {
            try database.read { db in
                let counted = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM trials WHERE study_id = ? AND counted = 1 AND state IN ('complete','pruned','failed')",
                    arguments: [studyID]) ?? 0
                let running = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials WHERE study_id = ? AND state = 'running'", arguments: [studyID]) ?? 0
                let waiting = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials WHERE study_id = ? AND state = 'waiting'", arguments: [studyID]) ?? 0
                let cleaned = try Int.fetchOne(db, sql: "SELECT cleaned_trials FROM studies WHERE id = ?", arguments: [studyID]) ?? 0
                return (counted + cleaned, running, waiting)
            }
        }
    }

    private static func save(_ trial: TrialRecord, studyID: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO trials (study_id, number, state, score, feasible, counted, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (study_id, number) DO UPDATE SET state = excluded.state, score = excluded.score,
                    feasible = excluded.feasible, counted = excluded.counted, record = excluded.record
                """,
            arguments: [studyID, trial.number, trial.state.rawValue, trial.score, trial.feasible, trial.counted, try json(trial)])
    }

    /// Stores a new trial under the study's next number (filled in) in one transaction.
    public func insert(_ trial: TrialRecord, studyID: Int64) throws -> TrialRecord {
        try wrap("adding a trial") {
            try database.write { db in
                var stored = trial
                stored.number = try Int.fetchOne(db, sql: "SELECT next_number FROM studies WHERE id = ?", arguments: [studyID]) ?? 0
                try db.execute(sql: "UPDATE studies SET next_number = next_number + 1 WHERE id = ?", arguments: [studyID])
                try Self.save(stored, studyID: studyID, db)
                return stored
            }
        }
    }

    /// Updates a trial (by number).
    public func update(_ trial: TrialRecord, studyID: Int64) throws {
        try wrap("updating trial \(trial.number)") {
            try database.write { db in try Self.save(trial, studyID: studyID, db) }
        }
    }

    /// Marks the oldest waiting trial running and returns it.
    public func claimWaiting(studyID: Int64, now: Int64) throws -> TrialRecord? {
        try wrap("claiming a queued trial") {
            try database.write { db in
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT record FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1", arguments: [studyID])
                else { return nil }
                var trial = try Self.trial(from: row)
                trial.state = .running
                trial.startedAt = now
                try Self.save(trial, studyID: studyID, db)
                return trial
            }
        }
    }

    /// After a crash: every running trial of the study (all studies when nil) is marked failed,
    /// no longer counted, and its parameters are queued again as a new trial. Returns how many.
    @discardableResult
    public func recoverInterrupted(studyID: Int64? = nil, now: Int64) throws -> Int {
        try wrap("recovering interrupted trials") {
            try database.write { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT study_id, record FROM trials WHERE state = 'running'" + (studyID == nil ? "" : " AND study_id = ?"),
                    arguments: studyID.map { [$0] } ?? [])
                for row in rows {
                    let study: Int64 = row["study_id"]
                    var trial = try Self.trial(from: row)
                    let number = try Int.fetchOne(db, sql: "SELECT next_number FROM studies WHERE id = ?", arguments: [study]) ?? 0
                    try db.execute(sql: "UPDATE studies SET next_number = next_number + 1 WHERE id = ?", arguments: [study])
                    var queued = TrialRecord(number: number, state: .waiting, parameters: trial.parameters)
                    queued.requeuedFrom = trial.number
                    trial.state = .failed
                    trial.counted = false
                    trial.finishedAt = now
                    trial.error = "interrupted: the daemon stopped while this trial ran; re-queued as trial \(number)"
                    try Self.save(trial, studyID: study, db)
                    try Self.save(queued, studyID: study, db)
                }
                return rows.count
            }
        }
    }

    /// Removes complete trials scoring below `minScore`, or all but the `keepTopN` best, plus
    /// pruned and failed ones; never the best feasible trial. Removed trials still count towards
    /// the request (the study's `cleanedTrials`), so a resumed study does not run them again.
    /// Returns how many were removed.
    public func cleanup(studyID: Int64, minScore: Double?, keepTopN: Int?) throws -> Int {
        try wrap("cleaning up") {
            try database.write { db in
                let finished = try Row.fetchAll(
                    db, sql: "SELECT record FROM trials WHERE study_id = ? AND state IN ('complete','pruned','failed')", arguments: [studyID]
                ).map(Self.trial(from:))
                let best = Self.best(of: finished)?.number
                let ranked = finished.filter { $0.state == .complete }.sorted(by: Self.ranksBefore)
                var keep = Set<Int>()
                if let keepTopN { keep.formUnion(ranked.prefix(keepTopN).map(\.number)) }
                if let minScore { keep.formUnion(ranked.filter { ($0.score ?? -.infinity) >= minScore }.map(\.number)) }
                if let best { keep.insert(best) }
                let removed = finished.filter { !keep.contains($0.number) }
                for trial in removed {
                    try db.execute(sql: "DELETE FROM trials WHERE study_id = ? AND number = ?", arguments: [studyID, trial.number])
                    try db.execute(sql: "DELETE FROM validations WHERE study_id = ? AND trial_number = ?", arguments: [studyID, trial.number])
                }
                let counted = removed.filter(\.counted).count
                try db.execute(sql: "UPDATE studies SET cleaned_trials = cleaned_trials + ? WHERE id = ?", arguments: [counted, studyID])
                return removed.count
            }
        }
    }

    // MARK: Validation

    public func save(_ validation: ValidationRecord, studyID: Int64) throws {
        try wrap("saving a validation") {
            try database.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO validations (study_id, trial_number, record) VALUES (?, ?, ?)",
                    arguments: [studyID, validation.trialNumber, try Self.json(validation)])
            }
        }
    }

    public func validations(studyID: Int64) throws -> [ValidationRecord] {
        try wrap("reading validations") {
            try database.read { db in
                try String.fetchAll(db, sql: "SELECT record FROM validations WHERE study_id = ? ORDER BY trial_number", arguments: [studyID])
                    .map { try Self.decode(ValidationRecord.self, $0) }
            }
        }
    }

    // MARK: Ranking

    /// Feasible before infeasible, then higher score, then lower number.
    public static func ranksBefore(_ a: TrialRecord, _ b: TrialRecord) -> Bool {
        let feasibleA = a.feasible ?? false
        let feasibleB = b.feasible ?? false
        if feasibleA != feasibleB { return feasibleA }
        let scoreA = a.score ?? -.infinity
        let scoreB = b.score ?? -.infinity
        if scoreA != scoreB { return scoreA > scoreB }
        return a.number < b.number
    }

    /// The best feasible complete trial, if any (infeasible trials are never the best).
    public static func best(of trials: [TrialRecord]) -> TrialRecord? {
        trials.filter { $0.state == .complete && $0.feasible == true }.min(by: ranksBefore)
    }
}
