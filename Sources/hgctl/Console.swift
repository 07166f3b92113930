import Foundation
import HedgeGridClient
import HedgeGridRPC

#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: results on stdout, notes and errors on stderr.
enum Console {
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("hgctl: \(text)\n".utf8))
    }

    /// Prints a one-line reason on stderr and exits with `code`.
    static func fail(_ reason: String, code: Int32 = ExitCodes.failure) -> Never {
        FileHandle.standardError.write(Data("hgctl: \(reason)\n".utf8))
        exit(code)
    }

    /// Prints a JSON value, pretty and with sorted keys, on stdout.
    static func printJSON(_ value: JSONValue) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Calls the daemon; an error becomes a one-line reason and exit code 1.
    static func call(_ client: RPCClient, _ method: String, _ params: JSONValue? = nil) async -> JSONValue {
        do {
            return try await client.call(method, params)
        } catch ClientError.connectionClosed {
            fail("the daemon closed the connection", code: ExitCodes.unreachable)
        } catch {
            fail("\(error)")
        }
    }

    static func decode<T: Decodable>(_ value: JSONValue, as type: T.Type) -> T {
        do {
            return try value.decode(T.self)
        } catch {
            fail("unexpected answer from the daemon: \(error)")
        }
    }
}
