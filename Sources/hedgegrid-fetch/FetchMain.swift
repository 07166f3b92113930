import Foundation
import HedgeGridDownload

#if canImport(Glibc)
import Glibc
#endif

/// `hedgegrid-fetch`: the daemon's download helper. The daemon keeps HTTP (libcurl, TLS) out of
/// its own process and runs each `data/download` here: the request is one line of JSON on stdin;
/// stdout gets one JSON object per line, `{"progress":{"percentage":…,"message":…}}` as it goes,
/// then `{"result":…}` (exit 0) or `{"error":{"code":…,"message":…}}` (exit 1). The daemon keeps
/// stdin open while it wants the download: when stdin closes (the job is cancelled, or the
/// daemon died, even by SIGKILL) the helper exits at once. The catalog's writes are atomic, so a
/// stopped download loses nothing it stored.
@main
enum FetchMain {
    static func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func main() async {
        var input: [UInt8] = []
        var byte: UInt8 = 0
        while read(STDIN_FILENO, &byte, 1) == 1 && byte != UInt8(ascii: "\n") { input.append(byte) }
        // The rest of stdin is the daemon's hold on this process: end of file means stop.
        let watcher = Thread {
            var sink = [UInt8](repeating: 0, count: 256)
            while true {
                let count = read(STDIN_FILENO, &sink, sink.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                _exit(3)
            }
        }
        watcher.start()
        let request: CatalogDownload
        do {
            request = try JSONDecoder().decode(CatalogDownload.self, from: Data(input))
        } catch {
            emit(["error": ["code": -32602, "message": "hedgegrid-fetch: bad request on stdin: \(error)"]])
            exit(2)
        }
        do {
            let outcome = try await request.run { percentage, message in
                var progress: [String: Any] = ["message": message]
                if let percentage { progress["percentage"] = percentage }
                emit(["progress": progress])
            }
            let data = try JSONEncoder().encode(outcome)
            emit(["result": try JSONSerialization.jsonObject(with: data)])
            exit(0)
        } catch let failure as CatalogDownload.Failure {
            emit(["error": ["code": failure.code, "message": failure.message]])
            exit(1)
        } catch {
            emit(["error": ["code": -32030, "message": "\(error)"]])
            exit(1)
        }
    }
}
