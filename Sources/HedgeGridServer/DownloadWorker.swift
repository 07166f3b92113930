import Foundation
import HedgeGridRPC
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// Runs one download in the `hedgegrid-fetch` helper, so the daemon never loads HTTP and TLS
/// libraries (libcurl, OpenSSL, BoringSSL) and stays small while idle. The request goes to the
/// helper's stdin as one line of JSON, and stdin stays open while the job wants the download:
/// closing it (cancel) or the daemon dying stops the helper. Its stdout lines are progress, then
/// the result or an error.
enum DownloadWorker {
    /// The helper: `HEDGEGRID_FETCH`, else `hedgegrid-fetch` next to this executable.
    static var executable: String {
        if let path = ProcessInfo.processInfo.environment["HEDGEGRID_FETCH"], !path.isEmpty { return path }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((own as NSString).deletingLastPathComponent as NSString).appendingPathComponent("hedgegrid-fetch")
    }

    /// Runs `request` (a `CatalogDownload` as JSON) and returns the helper's result; progress
    /// goes to `report`. Cancelling the task stops the helper (SIGTERM).
    static func run(request: JSONValue, report: @escaping @Sendable (Int?, String) async -> Void) async throws -> JSONValue {
        let path = executable
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw RPCError(code: RPCError.dataFailedCode, message: "the download helper \(path) is missing: build it (swift build) or set HEDGEGRID_FETCH")
        }
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw RPCError(code: RPCError.dataFailedCode, message: "cannot create pipes for the download helper: \(String(cString: strerror(errno)))")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                path, [], environment: ProcessInfo.processInfo.environment, stdin: .descriptor(input[0]), stdout: .descriptor(output[1]),
                stderr: .inherit)
        } catch {
            for fd in input + output { close(fd) }
            throw RPCError(code: RPCError.dataFailedCode, message: "cannot start the download helper: \(error)")
        }
        close(input[0])
        close(output[1])
        let body = [UInt8](JSONSerializer.data(request)) + [UInt8(ascii: "\n")]
        body.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(input[1], bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        let hold = input[1]
        let lines = lineStream(output[0])
        return try await withTaskCancellationHandler {
            var outcome: Result<JSONValue, Error>?
            for await line in lines {
                guard let message = try? JSONParser.parse(Data(line.utf8)) else { continue }
                if let progress = message["progress"] {
                    await report(progress["percentage"]?.intValue.map { Int($0) }, progress["message"]?.stringValue ?? "")
                } else if let result = message["result"] {
                    outcome = .success(result)
                } else if let error = message["error"] {
                    outcome = .failure(RPCError(
                        code: Int(error["code"]?.intValue ?? Int64(RPCError.dataFailedCode)), message: error["message"]?.stringValue ?? "download failed"))
                }
            }
            close(hold)
            let status = await Task.detached { child.wait() }.value
            if Task.isCancelled { throw CancellationError() }
            guard let outcome else {
                throw RPCError(code: RPCError.dataFailedCode, message: "the download helper ended without a result (exit status \(status))")
            }
            return try outcome.get()
        } onCancel: {
            // The helper exits when its stdin closes; the signal covers a helper stuck elsewhere.
            child.signal(SIGTERM)
        }
    }

    /// The lines written to `fd`, read on a thread of their own until end of file.
    private static func lineStream(_ fd: Int32) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending.append(contentsOf: buffer[0..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            continuation.finish()
        }
        thread.name = "download-helper"
        thread.start()
        return stream
    }
}
