import Foundation
import HedgeGridRPC

/// The methods every daemon answers: `daemon/*`, `job/*` and the `test/*` helpers.
enum BuiltinMethods {
    static func register(on server: RPCServer) {
        server.registerImmediate(MethodName.daemonStatus) { context, _ in
            context.server.renderedStatus()
        }
        server.register(MethodName.daemonStop) { context, _ in
            context.server.logger.notice("stop requested by a client", metadata: ["session": "\(context.session.id)"])
            // Answer first, then stop.
            Task {
                try? await Task.sleep(for: .milliseconds(20))
                context.server.requestStop()
            }
            return ["stopping": true]
        }
        server.register(MethodName.jobList) { context, _ in
            try JSONValue(encoding: ["jobs": await context.server.jobs.list()])
        }
        server.register(MethodName.jobGet) { context, params in
            let request = try params.decodeParams(JobIDParams.self)
            return try JSONValue(encoding: try await context.server.jobs.info(request.jobId))
        }
        server.register(MethodName.jobCancel) { context, params in
            let request = try params.decodeParams(JobIDParams.self)
            return try JSONValue(encoding: try await context.server.jobs.cancel(request.jobId))
        }
        server.register(MethodName.jobSubscribe) { context, params in
            let request = try params.decodeParams(JobIDParams.self)
            return try JSONValue(encoding: try await context.server.jobs.subscribe(request.jobId, sessionID: context.session.id))
        }
        server.register(MethodName.jobWait) { context, params in
            let request = try params.decodeParams(JobWaitParams.self)
            if let timeout = request.timeoutMs, timeout < 0 {
                throw RPCError.invalidParams("field 'timeoutMs' must be >= 0")
            }
            let info = try await context.server.jobs.wait(request.jobId, timeout: request.timeoutMs.map { .milliseconds($0) })
            return try JSONValue(encoding: info)
        }
        server.register(MethodName.testJob) { context, params in
            let request = try params.decodeParams(TestJobParams.self)
            guard (1...100_000).contains(request.steps) else {
                throw RPCError.invalidParams("field 'steps' must be in 1...100000")
            }
            guard (0...60_000).contains(request.intervalMs) else {
                throw RPCError.invalidParams("field 'intervalMs' must be in 0...60000")
            }
            let info = try await context.server.jobs.start(
                kind: MethodName.testJob, title: "test job (\(request.steps) steps)", owner: context.session.id
            ) { progress in
                for step in 1...request.steps {
                    try await Task.sleep(for: .milliseconds(request.intervalMs))
                    if step == request.failAtStep {
                        throw RPCError(code: RPCError.internalErrorCode, message: "test job failed at step \(step) as asked")
                    }
                    await progress.report(percentage: step * 100 / request.steps, message: "step \(step) of \(request.steps)")
                }
                return ["steps": .int(Int64(request.steps))]
            }
            return try JSONValue(encoding: JobStarted(jobId: info.id))
        }
        server.register(MethodName.testFail) { _, _ in
            throw UnexpectedFailure()
        }
        server.register(MethodName.testEcho) { _, params in
            // Echoes `value` after `delayMs` (a cancellable sleep): for latency and cancellation tests.
            let delay = params?["delayMs"]?.intValue ?? 0
            guard (0...600_000).contains(delay) else {
                throw RPCError.invalidParams("field 'delayMs' must be in 0...600000")
            }
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            return params?["value"] ?? .null
        }
    }

    /// A failure that is not an `RPCError`: how the server reports a handler's unexpected error.
    struct UnexpectedFailure: Error, CustomStringConvertible {
        var description: String { "test/fail raised an unexpected error as asked" }
    }
}
