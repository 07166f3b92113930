import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Downloads run in the hedgegrid-fetch helper: a missing helper is a clear error, and a
/// cancelled download stops its helper.
@Suite struct DownloadWorkerTests {
    static let path = "/data/futures/um/monthly/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09.zip"

    static func params(_ server: LocalHTTPServer, catalog: String) throws -> JSONValue {
        try JSONValue(encoding: DataDownloadParams(
            symbol: "NEARUSDT", start: 1_756_684_800_000, end: 1_759_276_800_000, dataTypes: ["last"], mode: "bulk",
            bulkUrl: server.baseURL.absoluteString, output: catalog))
    }

    /// The pids of running hedgegrid-fetch processes whose parent is `parent`.
    static func helpers(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            // pid (comm) state ppid ...
            guard let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return stat.contains("(hedgegrid-fetch)") && fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    @Test func aMissingHelperIsAClearError() async throws {
        let server = try LocalHTTPServer()
        let daemon = try TestDaemon(environment: ["HEDGEGRID_FETCH": "/nonexistent/hedgegrid-fetch"])
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.dataDownload, try Self.params(server, catalog: daemon.scratch.file("catalog")))
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: try #require(started["jobId"]?.stringValue)), as: JobInfo.self)
        #expect(info.state == .failed)
        #expect(info.error?.code == RPCError.dataFailedCode)
        #expect(info.error?.message == "the download helper /nonexistent/hedgegrid-fetch is missing: build it (swift build) or set HEDGEGRID_FETCH")
    }

    @Test func cancellingADownloadStopsItsHelper() async throws {
        let server = try LocalHTTPServer()
        let zip = try Data(contentsOf: URL(fileURLWithPath: RepositoryFiles.bundledData + "/NEARUSDT-1m-2025-09.zip"))
        server.set(Self.path, .slow(.seconds(300), zip))
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let started = try await client.call(MethodName.dataDownload, try Self.params(server, catalog: daemon.scratch.file("catalog")))
        let jobID = try #require(started["jobId"]?.stringValue)
        for _ in 0..<3_000 where server.requests(Self.path) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Self.helpers(of: daemon.pid).count == 1)
        _ = try await client.call(MethodName.jobCancel, ["jobId": .string(jobID)])
        let info = try await client.call(MethodName.jobWait, JobWaitParams(jobId: jobID), as: JobInfo.self)
        #expect(info.state == .cancelled)
        for _ in 0..<500 where !Self.helpers(of: daemon.pid).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Self.helpers(of: daemon.pid).isEmpty)
    }
}
