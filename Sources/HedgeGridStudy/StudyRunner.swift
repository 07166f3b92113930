import Foundation
import HedgeGridOptimization

/// Runs a study's trials until it has as many as were requested: `workers` threads each take a
/// queued trial or sample a new one (under one lock, so the sampler sees every trial, running
/// ones included), evaluate it without the lock, and store the result in its own transaction.
/// A trial that throws or runs past the timeout is retried up to `maxRetries` times, then stored
/// as failed. On cancellation the trials still running are re-queued for the next run.
public final class StudyRunner: @unchecked Sendable {
    /// Evaluates one parameter set; may throw (the trial is retried) and should return `.stopped`
    /// soon after `shouldStop` turns true.
    public typealias Evaluate = @Sendable (_ parameters: [String: Double], _ shouldStop: () -> Bool) throws -> TrialEvaluator.Outcome

    /// Where a study stands after a trial finished.
    public struct Progress: Sendable {
        /// Trials finished that count towards the request.
        public var finished: Int
        public var target: Int
        public var best: TrialRecord?
    }

    /// How a run ended.
    public struct Summary: Sendable {
        public var trialsRun: Int
        public var finished: Int
        public var target: Int
        public var cancelled: Bool
        public var best: TrialRecord?
    }

    public let store: StudyStore
    public let study: StudyRecord
    public let workers: Int
    private let evaluate: Evaluate
    private let onTrial: @Sendable (TrialRecord, Progress) -> Void
    private let clock: @Sendable () -> Int64

    private let lock = NSLock()
    private var trials: [Int: TrialRecord] = [:]
    /// What the sampler sees, kept up to date trial by trial (trial number -> its position).
    private var history: SampleHistory
    private var positions: [Int: Int] = [:]
    private var finished = 0
    private var running = 0
    private var trialsRun = 0
    private var failure: Error?

    public init(
        store: StudyStore, study: StudyRecord, workers: Int, evaluate: @escaping Evaluate,
        onTrial: @escaping @Sendable (TrialRecord, Progress) -> Void = { _, _ in },
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.store = store
        self.study = study
        self.workers = max(1, workers)
        self.evaluate = evaluate
        self.onTrial = onTrial
        self.clock = clock
        self.history = SampleHistory(space: study.optimization.space)
    }

    private func record(_ trial: TrialRecord) {
        trials[trial.number] = trial
        if let position = positions[trial.number] {
            history.update(at: position, trial.observation)
        } else {
            positions[trial.number] = history.count
            history.append(trial.observation)
        }
    }

    /// The sampler for trial `number`: seeded from the study's seed and the number, so one worker
    /// with the same seed reproduces the same trials, and a resumed study continues the sequence.
    static func sampler(for study: StudyRecord, number: Int) -> any Sampler {
        let seed = study.optimization.seed &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15
        switch study.optimization.sampler {
        case .random:
            return RandomSampler(seed: seed)
        case .tpe:
            var sampler = TPESampler(seed: seed, multivariate: study.optimization.multivariate, constantLiar: study.optimization.constantLiar)
            sampler.startupTrials = study.optimization.startupTrials
            return sampler
        }
    }

    /// Runs until the study has its requested trials or `isCancelled` turns true. Blocks.
    public func run(isCancelled: @escaping @Sendable () -> Bool) throws -> Summary {
        for trial in try store.trials(studyID: study.id) { record(trial) }
        finished = try store.progress(studyID: study.id).counted
        var threads: [Thread] = []
        let done = DispatchGroup()
        for index in 0..<workers {
            done.enter()
            let thread = Thread { [self] in
                work(isCancelled: isCancelled)
                done.leave()
            }
            thread.name = "study-worker-\(index)"
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
        done.wait()
        let cancelled = isCancelled()
        // A cancelled or failed run leaves its running trials to the next one.
        try store.recoverInterrupted(studyID: study.id, now: clock())
        if let failure { throw failure }
        let all = try store.trials(studyID: study.id)
        return Summary(
            trialsRun: trialsRun, finished: try store.progress(studyID: study.id).counted, target: study.targetTrials, cancelled: cancelled,
            best: StudyStore.best(of: all))
    }

    /// The next trial to run, marked running in the store; nil when there is nothing left to do.
    private func nextTrial(isCancelled: () -> Bool) throws -> TrialRecord? {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil, !isCancelled(), finished + running < study.targetTrials else { return nil }
        var trial: TrialRecord
        if let queued = try store.claimWaiting(studyID: study.id, now: clock()) {
            trial = queued
        } else {
            let number = (trials.keys.max() ?? -1) + 1
            var sampler = Self.sampler(for: study, number: number)
            var fresh = TrialRecord(number: number, state: .running, parameters: sampler.sample(history))
            fresh.startedAt = clock()
            trial = try store.insert(fresh, studyID: study.id)
        }
        record(trial)
        running += 1
        return trial
    }

    private func work(isCancelled: @escaping @Sendable () -> Bool) {
        while true {
            let next: TrialRecord?
            do {
                next = try nextTrial(isCancelled: isCancelled)
            } catch {
                record(failure: error)
                return
            }
            guard var trial = next else { return }
            let started = ContinuousClock.now
            var lastError: String?
            var outcome: TrialEvaluator.Outcome?
            let timeout = study.optimization.trialTimeoutSeconds
            attempts: for _ in 0...study.optimization.maxRetries {
                trial.attempts += 1
                let attemptStart = ContinuousClock.now
                var timedOut = false
                let shouldStop = {
                    if isCancelled() { return true }
                    if let timeout, attemptStart.duration(to: .now) > .milliseconds(Int64(timeout * 1000)) {
                        timedOut = true
                        return true
                    }
                    return false
                }
                do {
                    let result = try evaluate(trial.parameters, shouldStop)
                    if case .stopped = result {
                        if isCancelled() && !timedOut { break attempts }
                        lastError = "timed out after \(timeout.map { "\($0)" } ?? "?") s"
                        continue
                    }
                    outcome = result
                    break attempts
                } catch {
                    lastError = "\(error)"
                }
            }
            if outcome == nil && isCancelled() && lastError == nil {
                // Cancelled mid-trial: left running; the run's end re-queues it.
                lock.lock()
                running -= 1
                lock.unlock()
                continue
            }
            let elapsed = started.duration(to: .now)
            trial.durationMs = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
            trial.finishedAt = clock()
            switch outcome {
            case .evaluated(let result):
                trial.state = .complete
                trial.metrics = result.metrics
                trial.score = result.score
                trial.components = result.components
                trial.violations = result.violations
                trial.feasible = result.feasible
                trial.violation = result.violation
                trial.error = lastError.map { "succeeded after a failed attempt: \($0)" }
            case .rejected(let reason):
                trial.state = .pruned
                trial.error = reason
            case .stopped, nil:
                trial.state = .failed
                trial.error = "\(lastError ?? "failed") (after \(trial.attempts) attempt\(trial.attempts == 1 ? "" : "s"))"
            }
            finish(trial)
        }
    }

    private func finish(_ trial: TrialRecord) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try store.update(trial, studyID: study.id)
        } catch {
            failure = failure ?? error
            running -= 1
            return
        }
        record(trial)
        running -= 1
        finished += 1
        trialsRun += 1
        let best = StudyStore.best(of: Array(trials.values))
        onTrial(trial, Progress(finished: finished, target: study.targetTrials, best: best))
    }

    private func record(failure error: Error) {
        lock.lock()
        failure = failure ?? error
        lock.unlock()
    }
}
