import Foundation
import HedgeGridRPC
import Testing

/// Results rendered ahead of time must read exactly like the ones built as JSON values.
@Suite struct RenderedJSONTests {
    static let status = DaemonStatus(
        name: "hedgegridd", version: "1.2.3", pid: 4242, uptimeSeconds: 12.5,
        startedAt: Date(timeIntervalSince1970: 1_764_000_000), mode: "user", socketPath: "/run/a \"quoted\" path.sock",
        socketActivated: true, stateDirectory: "/var/lib/hedgegrid", cacheDirectory: "/var/cache/hedgegrid",
        jobs: .init(running: 2, finished: 7),
        clients: [
            .init(id: 3, transport: "socket", uid: 1000, pid: 77, clientInfo: PeerInfo(name: "hgctl", version: "0.1"), connectedAt: Date(timeIntervalSince1970: 1_764_000_100)),
            .init(id: 9, transport: "stdio", uid: nil, pid: nil, clientInfo: nil, connectedAt: Date(timeIntervalSince1970: 1_764_000_200)),
        ])

    @Test func theStatusRendererGivesTheStatusValue() throws {
        let renderer = DaemonStatus.Renderer(constantsOf: Self.status)
        let rendered = renderer.render(
            uptimeSeconds: Self.status.uptimeSeconds, jobs: Self.status.jobs,
            clients: RenderedJSON(DaemonStatus.json(clients: Self.status.clients)))
        let value = try JSONParser.parse(Data(rendered.bytes))
        #expect(value == Self.status.json)
        let decoded = try value.decode(DaemonStatus.self)
        #expect(decoded.socketPath == Self.status.socketPath)
        #expect(decoded.jobs.running == 2 && decoded.jobs.finished == 7)
        #expect(decoded.clients.map(\.id) == [3, 9])
        #expect(decoded.uptimeSeconds == 12.5)
    }

    @Test func theChangingMembersChange() throws {
        let renderer = DaemonStatus.Renderer(constantsOf: Self.status)
        let rendered = renderer.render(uptimeSeconds: 99.25, jobs: .init(running: 0, finished: 1), clients: RenderedJSON(.array([])))
        let value = try JSONParser.parse(Data(rendered.bytes))
        #expect(value["uptimeSeconds"] == .double(99.25))
        #expect(value["jobs"] == ["running": .int(0), "finished": .int(1)])
        #expect(value["clients"] == .array([]))
        #expect(value["pid"] == .int(4242))
    }

    @Test(arguments: [RPCID.int(17), RPCID.int(-3), RPCID.string("a \"tricky\"\nid"), nil])
    func aRenderedResponseIsTheSameBytesAsABuiltOne(id: RPCID?) {
        let result: JSONValue = ["b": [1, 2.5, "x"], "a": .null, "c": ["nested": true]]
        let built = Frame.encode(RPCMessage.response(id: id, result: .success(result)))
        #expect(Frame.encodeResponse(id: id, result: RenderedJSON(result)) == built)
    }

    @Test func aRenderedValueReadsBack() {
        let value: JSONValue = ["k": [1, "two", ["three": 3.5]]]
        #expect(RenderedJSON(value).value == value)
    }
}
