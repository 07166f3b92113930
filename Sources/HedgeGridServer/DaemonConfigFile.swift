import Foundation
import Yams

/// The daemon's optional YAML config file (`--config`, or `HEDGEGRID_CONFIG`).
///
/// ```yaml
/// socket: /run/hedgegrid/hedgegridd.sock
/// socket_group: hedgegrid
/// state_dir: /var/lib/hedgegrid
/// cache_dir: /var/cache/hedgegrid
/// max_frame_bytes: 16777216
/// log_level: info
/// bulk_url: https://data.binance.vision
/// rest_url: https://fapi.binance.com
/// ```
/// Flags and environment variables win over the file.
public struct DaemonConfigFile: Sendable, Equatable {
    public var socket: String?
    public var socketGroup: String?
    public var stateDirectory: String?
    public var cacheDirectory: String?
    public var maxFrameBytes: Int?
    public var logLevel: String?
    /// Market-data sources (the defaults of `data/download`).
    public var bulkURL: String?
    public var restURL: String?
    /// Keys the file had that the daemon does not know (reported as warnings).
    public var unknownKeys: [String] = []

    public init() {}

    /// A config file error: the file, the key and what is wrong.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static let knownKeys = ["socket", "socket_group", "state_dir", "cache_dir", "max_frame_bytes", "log_level", "bulk_url", "rest_url"]

    /// Reads and validates the file.
    public static func load(path: String) throws -> DaemonConfigFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the config file")
        }
        return try parse(text, source: path)
    }

    /// Parses YAML text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> DaemonConfigFile {
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw LoadError(description: "\(source): not valid YAML: \(error)")
        }
        var config = DaemonConfigFile()
        guard let node else { return config }
        guard let mapping = node as? [String: Any] else {
            throw LoadError(description: "\(source): the top level must be a mapping of keys")
        }
        func string(_ key: String) throws -> String? {
            guard let value = mapping[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else {
                throw LoadError(description: "\(source): '\(key)' must be a non-empty string")
            }
            return text
        }
        config.socket = try string("socket")
        config.socketGroup = try string("socket_group")
        config.stateDirectory = try string("state_dir")
        config.cacheDirectory = try string("cache_dir")
        config.logLevel = try string("log_level")
        config.bulkURL = try string("bulk_url")
        config.restURL = try string("rest_url")
        for (key, value) in [("bulk_url", config.bulkURL), ("rest_url", config.restURL)] {
            if let value, !(value.hasPrefix("http://") || value.hasPrefix("https://")) {
                throw LoadError(description: "\(source): '\(key)' must be an http or https URL (got '\(value)')")
            }
        }
        if let level = config.logLevel, !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) {
            throw LoadError(description: "\(source): 'log_level' must be one of trace, debug, info, notice, warning, error, critical (got '\(level)')")
        }
        if let value = mapping["max_frame_bytes"] {
            guard let bytes = value as? Int, (1024...(1 << 30)).contains(bytes) else {
                throw LoadError(description: "\(source): 'max_frame_bytes' must be an integer in 1024...1073741824")
            }
            config.maxFrameBytes = bytes
        }
        config.unknownKeys = mapping.keys.filter { !knownKeys.contains($0) }.sorted()
        return config
    }
}
