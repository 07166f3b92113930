import Foundation
import HedgeGridStudy
import HedgeGridTestSupport
import Testing

/// The SQLite study store: numbering, recovery after a crash, cleanup, persistence.
@Suite struct StudyStoreTests {
    func scored(_ number: Int, _ score: Double, feasible: Bool) -> TrialRecord {
        var trial = TrialRecord(number: number, state: .complete, parameters: ["grid.grid_step_bps": Double(number)])
        trial.score = score
        trial.feasible = feasible
        trial.metrics = StudyFixtures.flatMetrics
        return trial
    }

    @Test func studiesAndTrialsPersistAcrossReopening() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.file("db/studies.sqlite")
        do {
            let store = try StudyStore(path: path)
            let study = try store.create(StudyFixtures.study(name: "kept", trials: 3))
            for score in [0.1, 0.5, 0.3] { _ = try store.insert(scored(0, score, feasible: true), studyID: study.id) }
        }
        let reopened = try StudyStore(path: path)
        let study = try #require(try reopened.study(named: "kept"))
        let trials = try reopened.trials(studyID: study.id)
        #expect(trials.map(\.number) == [0, 1, 2])
        #expect(trials.map(\.score) == [0.1, 0.5, 0.3])
        #expect(study.optimization == StudyFixtures.study(name: "kept", trials: 3).optimization)
        #expect(StudyStore.best(of: trials)?.number == 1)
        #expect(try reopened.study(named: "other") == nil)
    }

    @Test func infeasibleTrialsAreNeverTheBest() throws {
        let trials = [scored(0, 0.9, feasible: false), scored(1, 0.2, feasible: true), scored(2, 0.95, feasible: false)]
        #expect(StudyStore.best(of: trials)?.number == 1)
        #expect(StudyStore.best(of: [scored(0, 0.9, feasible: false)]) == nil)
    }

    @Test func recoveryMarksRunningTrialsFailedAndRequeuesThem() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("s.sqlite"))
        let study = try store.create(StudyFixtures.study(name: "crash", trials: 5))
        _ = try store.insert(scored(0, 0.4, feasible: true), studyID: study.id)
        let running = try store.insert(TrialRecord(number: 0, state: .running, parameters: ["grid.grid_step_bps": 42]), studyID: study.id)
        #expect(try store.recoverInterrupted(now: 1) == 1)
        let trials = try store.trials(studyID: study.id)
        #expect(trials.map(\.state) == [.complete, .failed, .waiting])
        #expect(trials[1].number == running.number && !trials[1].counted)
        #expect(trials[2].parameters == ["grid.grid_step_bps": 42] && trials[2].requeuedFrom == running.number)
        #expect(try store.progress(studyID: study.id) == (1, 0, 1))
        // Nothing left to recover; the queued trial is claimed once.
        #expect(try store.recoverInterrupted(now: 2) == 0)
        #expect(try store.claimWaiting(studyID: study.id, now: 3)?.number == 2)
        #expect(try store.claimWaiting(studyID: study.id, now: 3) == nil)
    }

    @Test func cleanupKeepsTheBestAndTheCountsConsistent() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("s.sqlite"))
        let study = try store.create(StudyFixtures.study(name: "clean", trials: 6))
        for (score, feasible) in [(0.1, true), (0.9, false), (0.5, true), (0.3, true), (0.2, false)] {
            _ = try store.insert(scored(0, score, feasible: feasible), studyID: study.id)
        }
        var failed = TrialRecord(number: 0, state: .failed, parameters: [:])
        failed.error = "boom"
        _ = try store.insert(failed, studyID: study.id)
        #expect(try store.cleanup(studyID: study.id, minScore: nil, keepTopN: 2) == 4)
        let kept = try store.trials(studyID: study.id)
        // Feasible first by score: 0.5 (trial 2) and 0.3 (trial 3).
        #expect(kept.map(\.number) == [2, 3])
        #expect(try store.progress(studyID: study.id).counted == 6)
        #expect(try store.study(named: "clean")?.cleanedTrials == 4)
        // Removing below a score never removes the best feasible trial.
        #expect(try store.cleanup(studyID: study.id, minScore: 0.9, keepTopN: nil) == 1)
        #expect(try store.trials(studyID: study.id).map(\.number) == [2])
        // New trials never reuse a number.
        #expect(try store.insert(scored(0, 0.7, feasible: true), studyID: study.id).number == 6)
    }

    @Test func deletingAStudyRemovesItsTrials() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let store = try StudyStore(path: scratch.file("s.sqlite"))
        let study = try store.create(StudyFixtures.study(name: "gone", trials: 1))
        _ = try store.insert(scored(0, 0.1, feasible: true), studyID: study.id)
        try store.delete(studyID: study.id)
        #expect(try store.study(named: "gone") == nil)
        #expect(try store.trials(studyID: study.id).isEmpty)
        // Names are unique.
        _ = try store.create(StudyFixtures.study(name: "x", trials: 1))
        #expect(throws: StudyStore.StoreError.self) { _ = try store.create(StudyFixtures.study(name: "x", trials: 1)) }
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.file("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try StudyStore(path: path)
        } throws: { error in
            "\(error)".hasPrefix("cannot open the study database \(path)")
        }
    }
}
