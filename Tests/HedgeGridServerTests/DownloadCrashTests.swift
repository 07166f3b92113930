import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A daemon killed (SIGKILL) in the middle of a download loses nothing and fetches only the rest.
@Suite struct DownloadCrashTests {
    static let september = "/data/futures/um/monthly/klines/NEARUSDT/1m/NEARUSDT-1m-2025-09.zip"
    static let november = "/data/futures/um/monthly/klines/NEARUSDT/1m/NEARUSDT-1m-2025-11.zip"

    static func serve(_ server: LocalHTTPServer, _ path: String, file: String, slow: Bool) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        server.set(path, slow ? .slow(.seconds(300), data) : .ok(data))
        let hash = try ProcessRunner.run("/usr/bin/sha256sum", [file]).stdout.split(separator: " ").first.map(String.init) ?? ""
        server.set(path + ".CHECKSUM", .ok(Data("\(hash)  \((path as NSString).lastPathComponent)\n".utf8)))
    }

    @Test func killedMidDownloadThenResumedFetchesOnlyWhatIsMissing() async throws {
        let bundled = BacktestMethodTests.root + "/data/bundled/"
        let server = try LocalHTTPServer()
        try Self.serve(server, Self.september, file: bundled + "NEARUSDT-1m-2025-09.zip", slow: false)
        try Self.serve(server, Self.november, file: bundled + "NEARUSDT-1m-2025-11.zip", slow: true)
        let scratch = Scratch()
        defer { scratch.remove() }
        let catalog = scratch.file("catalog")
        let params = try JSONValue(encoding: DataDownloadParams(
            symbol: "NEARUSDT", start: 1_756_684_800_000, end: 1_764_547_200_000, dataTypes: ["last"], mode: "bulk",
            bulkUrl: server.baseURL.absoluteString, output: catalog))

        let first = try TestDaemon()
        let client = try RPCClient.connect(socketPath: first.socket)
        _ = try await client.call(MethodName.dataDownload, params)
        // September is stored before November is asked for; kill while November is on its way.
        for _ in 0..<3_000 where server.requests(Self.november) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(server.requests(Self.november) == 1)
        first.child.signal(SIGKILL)
        _ = first.waitForExit()

        server.set(Self.november, .ok(try Data(contentsOf: URL(fileURLWithPath: bundled + "NEARUSDT-1m-2025-11.zip"))))
        let second = try TestDaemon()
        let again = try RPCClient.connect(socketPath: second.socket)
        let started = try await again.call(MethodName.dataDownload, params)
        let jobID = try #require(started["jobId"]?.stringValue)
        let info = try await again.call(MethodName.jobWait, JobWaitParams(jobId: jobID), as: JobInfo.self)
        #expect(info.state == .succeeded, "\(String(describing: info.error))")
        #expect(info.result?["summary"]?["filesSkipped"] == 1)
        #expect(info.result?["summary"]?["filesDownloaded"] == 1)
        #expect(server.requests(Self.september) == 1)  // never fetched again
        let listed = try await again.call(MethodName.dataList, try JSONValue(encoding: DataListParams(output: catalog)))
        let coverage = try #require(listed["coverage"]?.arrayValue?.first)
        #expect(coverage["rows"] == 86_400)  // both months, no duplicates
        #expect(coverage["months"] == ["2025-09", "2025-11"])
    }
}
