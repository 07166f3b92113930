import Foundation
import HedgeGridTransport
import HedgeGridClient
import HedgeGridRPC
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `hedgegridd --stdio` follows the LSP lifecycle strictly, as editors expect.
@Suite struct StdioLifecycleTests {
    /// A daemon on pipes.
    final class StdioDaemon {
        let child: ChildProcess
        let scratch = Scratch()
        /// Our ends of the daemon's stdin and stdout pipes.
        private(set) var inputFD: Int32
        let outputFD: Int32
        private var decoder = FrameDecoder(maxFrameBytes: 1 << 24)

        init() throws {
            var input: [Int32] = [0, 0]
            var output: [Int32] = [0, 0]
            guard pipe(&input) == 0, pipe(&output) == 0 else { throw TestFailure("pipe failed") }
            child = try ChildProcess.spawn(
                Products.daemon, ["--stdio", "--state-dir", scratch.file("state"), "--cache-dir", scratch.file("cache")],
                environment: ProcessInfo.processInfo.environment,
                stdin: .descriptor(input[0]), stdout: .descriptor(output[1]), stderr: .file(scratch.file("stderr")))
            close(input[0])
            close(output[1])
            inputFD = input[1]
            outputFD = output[0]
        }

        var stderrText: String { (try? String(contentsOfFile: scratch.file("stderr"), encoding: .utf8)) ?? "" }

        func send(_ json: String) {
            let bytes = Frame.encode(body: Data(json.utf8))
            bytes.withUnsafeBytes { _ = write(inputFD, $0.baseAddress, $0.count) }
        }

        func closeInput() {
            close(inputFD)
            inputFD = -1
        }

        func read() -> JSONValue? {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                if let event = decoder.next() {
                    guard case .frame(let body) = event else { return nil }
                    return try? Frame.decodeBody(body).get()
                }
                let count = Glibc.read(outputFD, &buffer, buffer.count)
                if count <= 0 { return nil }
                decoder.append(buffer[0..<count])
            }
        }

        func exitStatus() -> Int32 { child.wait() }

        deinit {
            if child.exitCodeIfEnded() == nil {
                child.signal(SIGKILL)
                child.wait()
            }
            if inputFD >= 0 { close(inputFD) }
            close(outputFD)
            scratch.remove()
        }
    }

    @Test func fullSessionExitsWithZero() throws {
        let daemon = try StdioDaemon()
        daemon.send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":1,"clientInfo":{"name":"test-editor","version":"1"}}}"#)
        let initialize = try #require(daemon.read())
        #expect(initialize["result"]?["serverInfo"]?["name"] == "hedgegridd")
        let methods = initialize["result"]?["capabilities"]?["methods"]?.arrayValue ?? []
        #expect(methods.contains("daemon/status"))
        #expect(methods.contains("job/wait"))
        daemon.send(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        daemon.send(#"{"jsonrpc":"2.0","id":2,"method":"daemon/status"}"#)
        let status = try #require(daemon.read())
        #expect(status["result"]?["socketPath"] == .null)
        #expect(status["result"]?["clients"]?.arrayValue?.first?["clientInfo"]?["name"] == "test-editor")
        daemon.send(#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#)
        #expect(try #require(daemon.read())["result"] == .null)
        daemon.send(#"{"jsonrpc":"2.0","id":4,"method":"daemon/status"}"#)
        #expect(try #require(daemon.read())["error"]?["code"] == .int(-32600))
        daemon.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        #expect(daemon.exitStatus() == 0)
    }

    @Test func requestBeforeInitializeIsRefused() throws {
        let daemon = try StdioDaemon()
        daemon.send(#"{"jsonrpc":"2.0","id":1,"method":"daemon/status"}"#)
        let reply = try #require(daemon.read())
        #expect(reply["error"]?["code"] == .int(-32002))
        daemon.send(#"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}"#)
        #expect(try #require(daemon.read())["result"]?["serverInfo"] != nil)
        daemon.send(#"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{}}"#)
        #expect(try #require(daemon.read())["error"]?["code"] == .int(-32600))
    }

    @Test func exitWithoutShutdownExitsWithOne() throws {
        let daemon = try StdioDaemon()
        daemon.send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)
        _ = daemon.read()
        daemon.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        #expect(daemon.exitStatus() == 1)
    }

    @Test func closedInputWithoutExitEndsTheProcess() throws {
        let daemon = try StdioDaemon()
        daemon.send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)
        _ = daemon.read()
        daemon.closeInput()
        #expect(daemon.exitStatus() == 1)
    }

    @Test func logsGoToStderrOnly() throws {
        let daemon = try StdioDaemon()
        daemon.send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)
        let first = try #require(daemon.read())
        #expect(first["id"] == 1)
        daemon.send(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)
        _ = daemon.read()
        daemon.send(#"{"jsonrpc":"2.0","method":"exit"}"#)
        #expect(daemon.exitStatus() == 0)
        // Nothing but frames on stdout.
        #expect(daemon.read() == nil)
        #expect(daemon.stderrText.contains("serving stdio"))
    }
}
