import HedgeGridStudy

/// The daemon's view of studies: one open store per database file, which study runs in which
/// job (a study runs in at most one job at a time), and who is subscribed to which study.
final class StudyRegistry: Sendable {
    private let stores = LockedBox<[String: StudyStore]>([:])
    private let running = LockedBox<[String: String]>([:])
    private let subscribers = LockedBox<[String: [Int]]>([:])

    /// A study's key: its database and name.
    static func key(_ databasePath: String, _ name: String) -> String { databasePath + "\u{0}" + name }

    /// The store of a database file, opened once.
    func store(_ path: String) throws -> StudyStore {
        try stores.withLock { stores in
            if let store = stores[path] { return store }
            let store = try StudyStore(path: path)
            stores[path] = store
            return store
        }
    }

    /// Marks the study running in `jobID`; false when it already runs.
    func reserve(_ key: String, jobID: String) -> Bool {
        running.withLock { running in
            guard running[key] == nil else { return false }
            running[key] = jobID
            return true
        }
    }

    func setJob(_ key: String, jobID: String) {
        running.withLock { $0[key] = jobID }
    }

    func release(_ key: String) {
        running.withLock { _ = $0.removeValue(forKey: key) }
    }

    /// The job running the study, if any.
    func job(_ key: String) -> String? {
        running.withLock { $0[key] }
    }

    /// Subscribes a session to a study's trial notifications (once).
    func subscribe(_ key: String, sessionID: Int) {
        subscribers.withLock { all in
            if !(all[key] ?? []).contains(sessionID) { all[key, default: []].append(sessionID) }
        }
    }

    func unsubscribe(_ key: String, sessionID: Int) {
        subscribers.withLock { $0[key]?.removeAll { $0 == sessionID } }
    }

    /// Forgets a disconnected session everywhere.
    func unsubscribeAll(sessionID: Int) {
        subscribers.withLock { all in
            for key in all.keys { all[key]?.removeAll { $0 == sessionID } }
        }
    }

    func subscribers(_ key: String) -> [Int] {
        subscribers.withLock { $0[key] ?? [] }
    }
}
