import Foundation
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

/// `data/import` and `data/list` through a real daemon.
@Suite struct DataMethodTests {
    static var root: String { BacktestMethodTests.root }

    @Test func importThenListInTheDaemonsCatalog() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let empty = try await client.call(MethodName.dataList, try JSONValue(encoding: DataListParams()))
        #expect(empty["coverage"] == [])
        #expect(empty["catalog"]?.stringValue == daemon.scratch.file("state") + "/catalog")
        let imported = try await client.call(MethodName.dataImport, try JSONValue(encoding: DataImportParams(
            files: ["data/bundled/NEARUSDT-1m-2025-09.zip"], workingDirectory: Self.root)))
        #expect(imported["rowsAdded"] == 43_200)
        let again = try await client.call(MethodName.dataImport, try JSONValue(encoding: DataImportParams(
            files: ["data/bundled/NEARUSDT-1m-2025-09.zip"], workingDirectory: Self.root)))
        #expect(again["rowsAdded"] == 0)
        let listed = try await client.call(MethodName.dataList, try JSONValue(encoding: DataListParams()))
        #expect(listed["coverage"]?.arrayValue?.first?["rows"] == 43_200)
        #expect(listed["coverage"]?.arrayValue?.first?["missingBars"] == 0)
    }

    @Test func badInputIsAClearErrorAndStoresNothing() async throws {
        let daemon = try TestDaemon()
        let client = try RPCClient.connect(socketPath: daemon.socket)
        await #expect {
            _ = try await client.call(MethodName.dataImport, try JSONValue(encoding: DataImportParams(files: ["x.zip"], dataType: "candles")))
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.invalidParamsCode && rpc.message.contains("'dataType' must be one of last, mark, funding, trades")
        }
        await #expect {
            _ = try await client.call(MethodName.dataImport, try JSONValue(encoding: DataImportParams(
                files: ["data/bundled/NEARUSDT-1m-2025-09.zip", "data/bundled/NEARUSDT-1m-1999-01.zip"], workingDirectory: Self.root)))
        } throws: { error in
            guard case ClientError.rpc(let rpc) = error else { return false }
            return rpc.code == RPCError.dataFailedCode && rpc.message.hasSuffix("NEARUSDT-1m-1999-01.zip: no such file")
        }
        let listed = try await client.call(MethodName.dataList, try JSONValue(encoding: DataListParams()))
        #expect(listed["coverage"] == [])
    }
}
