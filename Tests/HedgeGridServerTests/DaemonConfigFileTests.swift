import Foundation
import HedgeGridRPC
import HedgeGridClient
import HedgeGridServer
import HedgeGridTestSupport
import Testing

/// The daemon's YAML config file: values, validation errors and unknown keys.
@Suite struct DaemonConfigFileTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func bundledExampleParses() throws {
        let config = try DaemonConfigFile.load(path: Self.repositoryRoot.appendingPathComponent("configs/daemon/hedgegridd.yaml").path)
        #expect(config.maxFrameBytes == 16_777_216)
        #expect(config.logLevel == "info")
        #expect(config.unknownKeys.isEmpty)
    }

    @Test func valuesAndUnknownKeys() throws {
        let config = try DaemonConfigFile.parse(
            "socket: /s.sock\nstate_dir: /state\ncache_dir: /cache\nsocket_group: staff\nmax_frame_bytes: 2048\nsokcet: typo\nrest_url: http://127.0.0.1:9\n", source: "x.yaml")
        #expect(config.restURL == "http://127.0.0.1:9")
        #expect(config.socket == "/s.sock")
        #expect(config.stateDirectory == "/state")
        #expect(config.cacheDirectory == "/cache")
        #expect(config.socketGroup == "staff")
        #expect(config.maxFrameBytes == 2048)
        #expect(config.unknownKeys == ["sokcet"])
    }

    @Test(arguments: [
        ("max_frame_bytes: 10\n", "'max_frame_bytes' must be an integer in 1024...1073741824"),
        ("max_frame_bytes: lots\n", "'max_frame_bytes' must be an integer"),
        ("log_level: loud\n", "'log_level' must be one of"),
        ("socket: 5\n", "'socket' must be a non-empty string"),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("socket: [unclosed\n", "not valid YAML"),
        ("bulk_url: ftp://example\n", "'bulk_url' must be an http or https URL (got 'ftp://example')"),
    ])
    func invalidValuesNameTheFileAndKey(text: String, message: String) {
        #expect {
            _ = try DaemonConfigFile.parse(text, source: "/etc/hedgegrid/hedgegridd.yaml")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("/etc/hedgegrid/hedgegridd.yaml: ") && description.contains(message)
        }
    }

    @Test func daemonUsesTheFileAndWarnsAboutUnknownKeys() async throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let configPath = scratch.file("hedgegridd.yaml")
        try "state_dir: \(scratch.file("from-config"))\nlog_level: debug\nmystery: 1\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(arguments: ["--config", configPath])
        let client = try RPCClient.connect(socketPath: daemon.socket)
        let status = try await client.call(MethodName.daemonStatus, JSONValue.object([:]), as: DaemonStatus.self)
        // The --state-dir flag given by TestDaemon wins over the file.
        #expect(status.stateDirectory == daemon.scratch.file("state"))
        #expect(daemon.log.contains("unknown key 'mystery' in the config file is ignored"))
    }

    @Test func daemonRefusesABadFileWithExitCodeTwo() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let configPath = scratch.file("bad.yaml")
        try "max_frame_bytes: 1\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let outcome = try ProcessRunner.run(Products.daemon, ["--config", configPath, "--socket", scratch.socket])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(configPath): 'max_frame_bytes' must be an integer in 1024...1073741824"))
        #expect(!FileManager.default.fileExists(atPath: scratch.socket))
    }
}
