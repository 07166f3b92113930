import Foundation
import HedgeGridTransport
import HedgeGridClient

/// Runs a program to completion and captures what it printed.
public struct ProcessRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `path` with `arguments`; `environment` entries are added to (or, when nil, removed from) this process's.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment {
            env[key] = value
        }
        let scratch = Scratch()
        defer { scratch.remove() }
        let outPath = scratch.file("stdout")
        let errPath = scratch.file("stderr")
        let child = try ChildProcess.spawn(path, arguments, environment: env, stdin: .null, stdout: .file(outPath), stderr: .file(errPath))
        let status = child.wait()
        return Outcome(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
