import Foundation
import HedgeGridOptimization
import HedgeGridStudy
import HedgeGridTestSupport
import Synchronization
import Testing

/// The study runner over a real SQLite store: counts, parallel workers, seeds, retries, timeouts,
/// cancellation, and TPE finding a known optimum on the real parameter space.
@Suite struct StudyRunnerTests {
    /// Runs a study to its end on a thread of its own (a study is seconds of CPU in a debug build).
    func run(_ study: StudyRecord, workers: Int = 1, scratch: Scratch, evaluate: StudyRunner.Evaluate? = nil, cancelAfter: Int? = nil) async throws -> (StudyStore, StudyRecord, StudyRunner.Summary) {
        try await offThePool { try Self.runBlocking(study, workers: workers, scratch: scratch, evaluate: evaluate, cancelAfter: cancelAfter) }
    }

    static func runBlocking(_ study: StudyRecord, workers: Int, scratch: Scratch, evaluate: StudyRunner.Evaluate?, cancelAfter: Int?) throws -> (StudyStore, StudyRecord, StudyRunner.Summary) {
        let store = try StudyStore(path: scratch.file("studies.sqlite"))
        let created = try store.study(named: study.name) ?? store.create(study)
        let finished = Atomic<Int>(0)
        let runner = StudyRunner(
            store: store, study: created, workers: workers, evaluate: evaluate ?? StudyFixtures.synthetic(space: study.optimization.space),
            onTrial: { _, _ in finished.add(1, ordering: .relaxed) })
        let summary = try runner.run(isCancelled: { cancelAfter.map { finished.load(ordering: .relaxed) >= $0 } ?? false })
        return (store, created, summary)
    }

    @Test func tpeFindsTheOptimumOfASyntheticObjectiveOnTheRealSpace() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        var tpeBest: [Double] = []
        var randomBest: [Double] = []
        for seed in UInt64(1)...5 {
            let (_, _, tpe) = try await run(StudyFixtures.study(name: "tpe\(seed)", trials: 150, seed: seed), scratch: scratch)
            let (_, _, random) = try await run(StudyFixtures.study(name: "random\(seed)", trials: 150, sampler: .random, seed: seed), scratch: scratch)
            tpeBest.append(tpe.best!.score!)
            randomBest.append(random.best!.score!)
        }
        let tpeMedian = tpeBest.sorted()[2]
        let randomMedian = randomBest.sorted()[2]
        #expect(tpeMedian > randomMedian, "TPE \(tpeBest) vs random \(randomBest)")
        // Within 3 % mean squared normalised distance of the optimum (score 1); random search
        // ends near 0.94 here.
        #expect(tpeMedian > 0.97, "TPE \(tpeBest), random \(randomBest)")
    }

    @Test func sameSeedOneWorkerSameTrials() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let (storeA, studyA, _) = try await run(StudyFixtures.study(name: "a", trials: 25), scratch: scratch)
        let (storeB, studyB, _) = try await run(StudyFixtures.study(name: "b", trials: 25), scratch: scratch)
        let (storeC, studyC, _) = try await run(StudyFixtures.study(name: "c", trials: 25, seed: 8), scratch: scratch)
        let a = try storeA.trials(studyID: studyA.id).map(\.parameters)
        #expect(a == (try storeB.trials(studyID: studyB.id).map(\.parameters)))
        #expect(a != (try storeC.trials(studyID: studyC.id).map(\.parameters)))
        #expect(a.count == 25)
    }

    @Test func resumingContinuesTheSameSequence() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let (store, whole, _) = try await run(StudyFixtures.study(name: "whole", trials: 20), scratch: scratch)
        _ = try await run(StudyFixtures.study(name: "split", trials: 12), scratch: scratch)
        let split = try #require(try store.study(named: "split"))
        _ = try store.addTrials(studyID: split.id, count: 8)
        _ = try await run(try #require(try store.study(named: "split")), scratch: scratch)
        #expect(try store.trials(studyID: split.id).map(\.parameters) == (try store.trials(studyID: whole.id).map(\.parameters)))
    }

    @Test func parallelWorkersGiveExactlyTheRequestedTrials() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let evaluate: StudyRunner.Evaluate = { parameters, _ in
            usleep(UInt32.random(in: 100...3000))
            return .evaluated(TrialScore(metrics: StudyFixtures.flatMetrics, score: StudyFixtures.syntheticScore(parameters, space: TunedParameters.defaultSpace)))
        }
        let (store, study, summary) = try await run(StudyFixtures.study(trials: 60), workers: 4, scratch: scratch, evaluate: evaluate)
        let trials = try store.trials(studyID: study.id)
        #expect(trials.count == 60)
        #expect(trials.map(\.number) == Array(0..<60))
        #expect(trials.allSatisfy { $0.state == .complete && $0.attempts == 1 })
        #expect(summary.trialsRun == 60 && summary.finished == 60)
        #expect(try store.progress(studyID: study.id) == (60, 0, 0))
    }

    @Test func aFailingTrialIsRetriedThenStoredAsFailed() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let calls = Mutex<[String: Int]>([:])
        struct Flaky: Error, CustomStringConvertible { var description: String { "flaky evaluation" } }
        // Every parameter set fails on its first attempt and succeeds on its second.
        let flaky: StudyRunner.Evaluate = { parameters, _ in
            let key = parameters.keys.sorted().map { "\(parameters[$0]!)" }.joined(separator: ",")
            let count = calls.withLock { calls in
                calls[key, default: 0] += 1
                return calls[key]!
            }
            if count == 1 { throw Flaky() }
            return .evaluated(TrialScore(metrics: StudyFixtures.flatMetrics, score: 1))
        }
        let (store, study, _) = try await run(StudyFixtures.study(name: "retry", trials: 6) { $0.maxRetries = 1 }, scratch: scratch, evaluate: flaky)
        let retried = try store.trials(studyID: study.id)
        #expect(retried.count == 6 && retried.allSatisfy { $0.state == .complete && $0.attempts == 2 })
        #expect(retried.allSatisfy { $0.error == "succeeded after a failed attempt: flaky evaluation" })

        let failing: StudyRunner.Evaluate = { _, _ in throw Flaky() }
        let (_, failedStudy, summary) = try await run(StudyFixtures.study(name: "fail", trials: 3) { $0.maxRetries = 2 }, scratch: scratch, evaluate: failing)
        let failed = try store.trials(studyID: failedStudy.id)
        #expect(failed.count == 3 && failed.allSatisfy { $0.state == .failed && $0.attempts == 3 })
        #expect(failed.first?.error == "flaky evaluation (after 3 attempts)")
        #expect(summary.best == nil)
    }

    @Test func aTrialPastItsTimeoutIsStopped() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        // Never finishes on its own: only the timeout can end it.
        let endless: StudyRunner.Evaluate = { _, shouldStop in
            while !shouldStop() { usleep(1000) }
            return .stopped
        }
        let clock = ContinuousClock()
        let started = clock.now
        let (store, study, _) = try await run(
            StudyFixtures.study(name: "slow", trials: 2) {
                $0.trialTimeoutSeconds = 0.2
                $0.maxRetries = 1
            }, scratch: scratch, evaluate: endless)
        let trials = try store.trials(studyID: study.id)
        #expect(trials.count == 2 && trials.allSatisfy { $0.state == .failed && $0.attempts == 2 })
        #expect(trials.first?.error == "timed out after 0.2 s (after 2 attempts)")
        #expect(started.duration(to: clock.now) < .seconds(20))
    }

    @Test func invalidCombinationsArePrunedNotEvaluated() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        // ema_fast always >= ema_slow: every trial is rejected before evaluation.
        let study = StudyFixtures.study(name: "invalid", trials: 5) { config in
            config.space = config.space.map { domain in
                switch domain.name {
                case "regime.ema_fast": return ParameterDomain.int(domain.name, 30, 40)
                case "regime.ema_slow": return ParameterDomain.int(domain.name, 20, 29)
                default: return domain
                }
            }
        }
        let evaluated = Atomic<Int>(0)
        let base = HedgeGridParametersFixture.base
        let evaluate: StudyRunner.Evaluate = { parameters, _ in
            if case .failure(let rejection) = TunedParameters.apply(parameters, to: base) { return .rejected(rejection.description) }
            evaluated.add(1, ordering: .relaxed)
            return .evaluated(TrialScore(metrics: StudyFixtures.flatMetrics, score: 1))
        }
        let (store, created, summary) = try await run(study, scratch: scratch, evaluate: evaluate)
        let trials = try store.trials(studyID: created.id)
        #expect(evaluated.load(ordering: .relaxed) == 0)
        #expect(trials.count == 5 && trials.allSatisfy { $0.state == .pruned && $0.error!.hasPrefix("rejected: regime.ema_fast") })
        #expect(summary.best == nil)
    }

    @Test func cancellingRequeuesTheTrialsStillRunning() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let evaluate: StudyRunner.Evaluate = { _, shouldStop in
            for _ in 0..<200 {
                if shouldStop() { return .stopped }
                usleep(500)
            }
            return .evaluated(TrialScore(metrics: StudyFixtures.flatMetrics, score: 1))
        }
        let (store, study, summary) = try await run(StudyFixtures.study(name: "cancel", trials: 50), workers: 3, scratch: scratch, evaluate: evaluate, cancelAfter: 5)
        #expect(summary.cancelled)
        let trials = try store.trials(studyID: study.id)
        let progress = try store.progress(studyID: study.id)
        #expect(progress.running == 0)
        #expect(progress.counted == trials.filter { $0.state == .complete }.count)
        let interrupted = trials.filter { $0.state == .failed }
        #expect(interrupted.allSatisfy { !$0.counted && $0.error!.hasPrefix("interrupted") })
        #expect(progress.waiting == interrupted.count)
        // The next run takes the queued trials first and ends with exactly the target.
        _ = try await run(try #require(try store.study(named: "cancel")), workers: 2, scratch: scratch)
        #expect(try store.progress(studyID: study.id).counted == 50)
        let requeued = try store.trials(studyID: study.id).filter { $0.requeuedFrom != nil }
        #expect(requeued.count == interrupted.count && requeued.allSatisfy { $0.state == .complete })
    }
}
