import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Writes log lines to stderr: with journald priority prefixes (`<3>`, `<6>`, ...) when
/// systemd runs the daemon, as plain timestamped lines otherwise. Never writes to stdout.
public struct JournalLogHandler: LogHandler {
    public enum Format: Sendable {
        case journal, plain

        /// `journal` when stderr is connected to the journal (systemd sets JOURNAL_STREAM).
        public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Format {
            environment["JOURNAL_STREAM"] != nil ? .journal : .plain
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let label: String
    public let format: Format

    public init(label: String, level: Logger.Level, format: Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line: String
        switch format {
        case .journal:
            line = "<\(Self.priority(event.level))>\(event.message)\(details)\n"
        case .plain:
            let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
            line = "\(time) \(event.level) \(label): \(event.message)\(details)\n"
        }
        var bytes = Array(line.utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }

    /// The syslog priority journald reads from a line prefix.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
