import Foundation
import HedgeGridBacktest
import HedgeGridOptimization
import HedgeGridRPC
import HedgeGridStudy
import Synchronization

/// `study/*`: optimization studies stored in SQLite, run as jobs, announced trial by trial.
enum StudyMethods {
    /// What `study/trialCompleted` carries.
    struct TrialCompleted: Encodable {
        var study: String
        var dbPath: String
        var trial: TrialRecord
        var finished: Int
        var target: Int
        var best: TrialRecord?
    }

    struct OptimizeAnswer: Encodable {
        var jobId: String
        var study: String
        var dbPath: String
        var targetTrials: Int
        var warnings: [String]
    }

    struct OptimizeResult: Encodable {
        var study: String
        var dbPath: String
        var trialsRun: Int
        var finished: Int
        var target: Int
        var cancelled: Bool
        var best: TrialRecord?
        var validations: [ValidationRecord]
        var outOfSample: String?
        /// The base strategy YAML with the best feasible parameters; nil when none is feasible.
        var bestParametersYAML: String?
        var warnings: [String]
    }

    static func databasePath(_ given: String?, workingDirectory: String?, server: RPCServer) -> String {
        guard let given else { return defaultDatabasePath(server) }
        if given.hasPrefix("/") { return given }
        return ((workingDirectory ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(given)
    }

    static func defaultDatabasePath(_ server: RPCServer) -> String {
        server.configuration.paths.stateDirectory + "/studies.sqlite"
    }

    /// Runs blocking work on its own thread (not the cooperative pool, which answers requests).
    static func onThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Maps the study layer's errors onto protocol errors.
    static func mapped(_ error: Error) -> Error {
        switch error {
        case let error as RPCError: return error
        case let error as ConfigError: return RPCError(code: RPCError.invalidParamsCode, message: "invalid config: \(error)")
        case let error as StudyService.RequestError: return RPCError.invalidParams(error.description)
        default: return RPCError(code: RPCError.studyFailedCode, message: "\(error)")
        }
    }

    /// The store and study a request names.
    static func open(_ name: String, dbPath: String?, workingDirectory: String?, server: RPCServer) throws -> (StudyStore, StudyRecord, String) {
        let path = databasePath(dbPath, workingDirectory: workingDirectory, server: server)
        guard FileManager.default.fileExists(atPath: path) else {
            throw RPCError(code: RPCError.studyNotFoundCode, message: "no study database at \(path), so no study '\(name)'")
        }
        do {
            let store = try server.studies.store(path)
            guard let study = try store.study(named: name) else {
                let names = (try? store.studies().map(\.name)) ?? []
                throw RPCError(
                    code: RPCError.studyNotFoundCode,
                    message: "no study '\(name)' in \(path)" + (names.isEmpty ? " (it has none)" : " (it has: \(names.joined(separator: ", ")))"))
            }
            return (store, study, path)
        } catch {
            throw mapped(error)
        }
    }

    static func register(on server: RPCServer) {
        server.register(MethodName.studyOptimize) { context, params in
            let request = try params.decodeParams(StudyOptimizeParams.self)
            var sampler: OptimizationConfig.SamplerKind?
            if let name = request.sampler {
                guard let kind = OptimizationConfig.SamplerKind(rawValue: name) else {
                    throw RPCError.invalidParams("field 'sampler' must be tpe or random (got '\(name)')")
                }
                sampler = kind
            }
            let directory = request.workingDirectory ?? FileManager.default.currentDirectoryPath
            let path = databasePath(request.dbPath, workingDirectory: directory, server: server)
            let key = StudyRegistry.key(path, request.studyName)
            if let job = server.studies.job(key) {
                throw RPCError(code: RPCError.studyBusyCode, message: "study '\(request.studyName)' is already running in \(job); wait for it or cancel it")
            }
            let options = OptimizeOptions(
                studyName: request.studyName, strategyPath: request.strategyConfig, backtestPath: request.backtestConfig,
                optimizationPath: request.optimizationConfig, trials: request.trials, workers: request.workers, seed: request.seed, sampler: sampler,
                holdoutFraction: request.holdoutFraction, validatePath: request.validateConfig, trialTimeoutSeconds: request.trialTimeoutSeconds,
                maxRetries: request.maxRetries, workingDirectory: directory, environment: request.environment ?? ProcessInfo.processInfo.environment)
            guard server.studies.reserve(key, jobID: "starting") else {
                throw RPCError(code: RPCError.studyBusyCode, message: "study '\(request.studyName)' is already starting or running")
            }
            do {
                let registry = server.studies
                let opened = try await onThread("study-open") {
                    try StudyService.open(store: { try registry.store(path) }, options: options, now: Self.now())
                }
                let info = try await startJob(
                    server: server, study: opened.study, dbPath: path, workers: request.workers, owner: context.session.id, warnings: opened.warnings)
                return try JSONValue(encoding: OptimizeAnswer(
                    jobId: info.id, study: opened.study.name, dbPath: path, targetTrials: opened.study.targetTrials, warnings: opened.warnings))
            } catch {
                server.studies.release(key)
                throw mapped(error)
            }
        }

        server.register(MethodName.studySubscribe) { context, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let (store, study, path) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            let key = StudyRegistry.key(path, study.name)
            server.studies.subscribe(key, sessionID: context.session.id)
            let progress = try store.progress(studyID: study.id)
            let job: JSONValue = server.studies.job(key).map { JSONValue.string($0) } ?? .null
            var answer: [String: JSONValue] = ["study": .string(study.name), "dbPath": .string(path), "jobId": job]
            answer["finished"] = .int(Int64(progress.counted))
            answer["target"] = .int(Int64(study.targetTrials))
            return .object(answer)
        }

        server.register(MethodName.studyUnsubscribe) { context, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let path = databasePath(request.dbPath, workingDirectory: request.workingDirectory, server: server)
            server.studies.unsubscribe(StudyRegistry.key(path, request.studyName), sessionID: context.session.id)
            return .object(["unsubscribed": .bool(true)])
        }

        server.register(MethodName.studyList) { _, params in
            let request = try params.decodeParams(StudyListParams.self)
            let path = databasePath(request.dbPath, workingDirectory: request.workingDirectory, server: server)
            guard FileManager.default.fileExists(atPath: path) else { return .object(["dbPath": .string(path), "studies": .array([])]) }
            do {
                let store = try server.studies.store(path)
                let summaries = try store.studies().map { study in
                    var statistics = StudyStatistics(study: study, trials: try store.trials(studyID: study.id))
                    statistics.best = statistics.best.map { best in
                        var slim = best
                        slim.metrics = nil
                        return slim
                    }
                    return statistics
                }
                return .object(["dbPath": .string(path), "studies": try JSONValue(encoding: summaries)])
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyGet) { _, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let (store, study, path) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            do {
                let statistics = StudyStatistics(study: study, trials: try store.trials(studyID: study.id))
                guard case .object(var object) = try JSONValue(encoding: statistics) else { return .null }
                object["dbPath"] = .string(path)
                object["jobId"] = server.studies.job(StudyRegistry.key(path, study.name)).map { .string($0) } ?? .null
                object["validations"] = try JSONValue(encoding: try store.validations(studyID: study.id))
                return .object(object)
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyTrials) { _, params in
            let request = try params.decodeParams(StudyTrialsParams.self)
            let sort = request.sort ?? "score"
            guard ["score", "number"].contains(sort) else { throw RPCError.invalidParams("field 'sort' must be score or number (got '\(sort)')") }
            if let topN = request.topN, topN < 1 { throw RPCError.invalidParams("field 'topN' must be at least 1 (got \(topN))") }
            let (store, study, _) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            do {
                var trials = try store.trials(studyID: study.id)
                if request.feasibleOnly == true { trials = trials.filter { $0.state == .complete && $0.feasible == true } }
                if sort == "score" {
                    trials = trials.filter { $0.state == .complete }.sorted(by: StudyStore.ranksBefore)
                        + trials.filter { $0.state != .complete }
                }
                if let topN = request.topN { trials = Array(trials.prefix(topN)) }
                return .object(["study": .string(study.name), "trials": try JSONValue(encoding: trials)])
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyBest) { _, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let (store, study, _) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            do {
                guard let best = StudyStore.best(of: try store.trials(studyID: study.id)) else {
                    throw RPCError(code: RPCError.noFeasibleTrialCode, message: "study '\(study.name)' has no feasible trial yet")
                }
                return try JSONValue(encoding: best)
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyImportance) { _, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let (store, study, _) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            do {
                let scored = try store.trials(studyID: study.id).compactMap { trial in
                    trial.state == .complete ? trial.score.map { (parameters: trial.parameters, score: $0) } : nil
                }
                let entries = ParameterImportance.compute(names: study.optimization.space.map(\.name), trials: scored)
                return .object(["study": .string(study.name), "trials": .int(Int64(scored.count)), "importance": try JSONValue(encoding: entries)])
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyExport) { _, params in
            let request = try params.decodeParams(StudyExportParams.self)
            guard ["csv", "yaml"].contains(request.format) else {
                throw RPCError.invalidParams("field 'format' must be csv or yaml (got '\(request.format)')")
            }
            let (store, study, _) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            do {
                let trials = try store.trials(studyID: study.id)
                if request.format == "csv" {
                    return .object(["format": .string("csv"), "content": .string(TrialTable.csv(trials, parameters: study.optimization.space.map(\.name)))])
                }
                guard let yaml = StudyService.bestParametersYAML(study, trials: trials) else {
                    throw RPCError(code: RPCError.noFeasibleTrialCode, message: "study '\(study.name)' has no feasible trial: no best parameters to export")
                }
                return .object(["format": .string("yaml"), "content": .string(yaml)])
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyCleanup) { _, params in
            let request = try params.decodeParams(StudyCleanupParams.self)
            guard request.minScore != nil || request.keepTopN != nil else {
                throw RPCError.invalidParams("give field 'minScore' or 'keepTopN'")
            }
            if let keep = request.keepTopN, keep < 1 { throw RPCError.invalidParams("field 'keepTopN' must be at least 1 (got \(keep))") }
            let (store, study, path) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            if let job = server.studies.job(StudyRegistry.key(path, study.name)) {
                throw RPCError(code: RPCError.studyBusyCode, message: "study '\(study.name)' is running in \(job); clean it up when it ends")
            }
            do {
                let removed = try store.cleanup(studyID: study.id, minScore: request.minScore, keepTopN: request.keepTopN)
                let statistics = StudyStatistics(study: try store.study(named: study.name)!, trials: try store.trials(studyID: study.id))
                return .object(["removed": .int(Int64(removed)), "statistics": try JSONValue(encoding: statistics)])
            } catch {
                throw mapped(error)
            }
        }

        server.register(MethodName.studyDelete) { _, params in
            let request = try params.decodeParams(StudyRefParams.self)
            let (store, study, path) = try open(request.studyName, dbPath: request.dbPath, workingDirectory: request.workingDirectory, server: server)
            if let job = server.studies.job(StudyRegistry.key(path, study.name)) {
                throw RPCError(code: RPCError.studyBusyCode, message: "study '\(study.name)' is running in \(job); cancel it first")
            }
            do {
                try store.delete(studyID: study.id)
                return .object(["deleted": .string(study.name)])
            } catch {
                throw mapped(error)
            }
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Starts the job that runs `study` to its target; the study must be reserved in the registry.
    static func startJob(server: RPCServer, study: StudyRecord, dbPath: String, workers: Int?, owner: Int?, warnings: [String]) async throws -> JobInfo {
        let key = StudyRegistry.key(dbPath, study.name)
        let registry = server.studies
        let workerCount = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let info = try await server.jobs.start(kind: MethodName.studyOptimize, title: "study \(study.name)", owner: owner) { progress in
            defer { registry.release(key) }
            await progress.report(percentage: 0, message: "loading data")
            let store = try registry.store(dbPath)
            let loaded: StudyService.LoadedStudy
            do {
                loaded = try await onThread("study-load") { try StudyService.load(study) }
            } catch {
                throw mapped(error)
            }
            let (reports, reportSink) = AsyncStream.makeStream(of: (Int, String).self)
            let reporter = Task {
                for await (percentage, message) in reports { await progress.report(percentage: percentage, message: message) }
            }
            let started = ContinuousClock.now
            let evaluator = loaded.inSample
            let runner = StudyRunner(
                store: store, study: study, workers: workerCount,
                evaluate: { parameters, shouldStop in evaluator.evaluate(parameters, shouldStop: shouldStop) },
                onTrial: { trial, status in
                    let notification = TrialCompleted(
                        study: study.name, dbPath: dbPath, trial: trial, finished: status.finished, target: status.target, best: status.best)
                    if let params = try? JSONValue(encoding: notification) {
                        var targets = registry.subscribers(key)
                        if let owner, !targets.contains(owner) { targets.append(owner) }
                        for session in targets { server.notify(sessionID: session, MethodName.studyTrialCompleted, params) }
                    }
                    let seconds = Double(started.duration(to: .now).components.attoseconds) / 1e18 + Double(started.duration(to: .now).components.seconds)
                    let best = status.best?.score.map { String(format: "best %.4f", $0) } ?? "no feasible trial yet"
                    reportSink.yield((
                        status.target > 0 ? min(100, status.finished * 100 / status.target) : 100,
                        "\(status.finished)/\(status.target) trials, \(best), \(String(format: "%.1f", Double(status.finished) / max(seconds, 1e-9))) trials/s"
                    ))
                })
            let cancelled = Atomic<Bool>(false)
            let summary: StudyRunner.Summary
            do {
                summary = try await withTaskCancellationHandler {
                    try await onThread("study-\(study.name)") { try runner.run(isCancelled: { cancelled.load(ordering: .relaxed) }) }
                } onCancel: {
                    cancelled.store(true, ordering: .relaxed)
                }
            } catch {
                reportSink.finish()
                throw mapped(error)
            }
            reportSink.finish()
            await reporter.value
            if summary.cancelled { throw CancellationError() }
            var validations: [ValidationRecord] = []
            if loaded.outOfSample != nil {
                await progress.report(percentage: 100, message: "validating the best trials out of sample")
                validations = try await onThread("study-validate") { try StudyService.validate(study, store: store, loaded: loaded) }
            }
            let trials = try store.trials(studyID: study.id)
            let result = OptimizeResult(
                study: study.name, dbPath: dbPath, trialsRun: summary.trialsRun, finished: summary.finished, target: summary.target,
                cancelled: summary.cancelled, best: summary.best, validations: validations, outOfSample: loaded.outOfSample?.label,
                bestParametersYAML: StudyService.bestParametersYAML(study, trials: trials), warnings: warnings + loaded.warnings)
            return try JSONValue(encoding: result)
        }
        registry.setJob(key, jobID: info.id)
        return info
    }

    /// At daemon start: trials a crash left running are marked failed and re-queued, and studies
    /// in the default database that have not reached their target run again as jobs.
    static func resumeInterrupted(server: RPCServer) async {
        let path = defaultDatabasePath(server)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let store = try server.studies.store(path)
            let recovered = try store.recoverInterrupted(now: now())
            for study in try store.studies() {
                let progress = try store.progress(studyID: study.id)
                guard progress.counted < study.targetTrials else { continue }
                let key = StudyRegistry.key(path, study.name)
                guard server.studies.reserve(key, jobID: "starting") else { continue }
                do {
                    let info = try await startJob(server: server, study: study, dbPath: path, workers: nil, owner: nil, warnings: [])
                    server.logger.notice(
                        "resuming study", metadata: ["study": "\(study.name)", "job": "\(info.id)", "finished": "\(progress.counted)", "target": "\(study.targetTrials)"])
                } catch {
                    server.studies.release(key)
                    server.logger.error("cannot resume study", metadata: ["study": "\(study.name)", "error": "\(error)"])
                }
            }
            if recovered > 0 { server.logger.notice("re-queued interrupted trials", metadata: ["trials": "\(recovered)"]) }
        } catch {
            server.logger.error("cannot open the study database", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
