import Foundation
import Yams

/// Typed, validated reads from a parsed YAML mapping. Every read names the file and the key path
/// in its error, with the expected type or range; keys never read are reported as unknown.
public final class ConfigReader {
    public let file: String
    private let root: [String: Any]
    private var readKeys: Set<String> = []
    /// Key paths the reader knows but ignores, with why (reference keys HedgeGrid does not use).
    private var ignoredKeys: [String: String] = [:]

    /// Parses YAML text (after `${VAR}` substitution).
    public init(yaml text: String, file: String, environment: [String: String]) throws(ConfigError) {
        self.file = file
        let substituted = try EnvironmentSubstitution.apply(to: text, environment: environment, file: file)
        let node: Any?
        do {
            node = try Yams.load(yaml: substituted)
        } catch {
            throw ConfigError(file: file, key: "", reason: "not valid YAML: \(error)")
        }
        guard let mapping = node as? [String: Any] else {
            throw ConfigError(file: file, key: "", reason: "the top level must be a mapping of sections")
        }
        root = mapping
    }

    /// Reads a file.
    public convenience init(path: String, environment: [String: String]) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", reason: "cannot read the file (missing, unreadable or not UTF-8)")
        }
        try self.init(yaml: text, file: path, environment: environment)
    }

    /// Builds a reader over an in-memory mapping (inline JSON-RPC params).
    public init(mapping: [String: Any], file: String) {
        self.file = file
        self.root = mapping
    }

    func value(_ key: String) -> Any? {
        var node: Any? = root
        for part in key.split(separator: ".") {
            guard let mapping = node as? [String: Any] else { return nil }
            node = mapping[String(part)]
        }
        if node is NSNull { return nil }
        return node
    }

    public func has(_ key: String) -> Bool {
        value(key) != nil
    }

    /// The keys of the mapping at `key` (empty when it is absent or not a mapping), sorted.
    public func keys(_ key: String) -> [String] {
        (value(key) as? [String: Any])?.keys.sorted() ?? []
    }

    /// True when the value at `key` is a list.
    public func isList(_ key: String) -> Bool {
        value(key) is [Any]
    }

    /// A list of numbers.
    public func doubles(_ key: String) throws(ConfigError) -> [Double] {
        readKeys.insert(key)
        guard let raw = value(key) else { return [] }
        guard let list = raw as? [Any] else { throw error(key, "must be a list of numbers") }
        var numbers: [Double] = []
        for item in list {
            switch item {
            case let number as Double where number.isFinite: numbers.append(number)
            case let number as Int: numbers.append(Double(number))
            default: throw error(key, "must be a list of numbers, got \(shown(item))")
            }
        }
        return numbers
    }

    /// An error naming this file and `key`.
    public func error(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(file: file, key: key, reason: reason)
    }

    private func shown(_ value: Any) -> String {
        if let text = value as? String { return "'\(text)'" }
        return "\(value)"
    }

    public func double(_ key: String, default fallback: Double? = nil, in range: ClosedRange<Double>? = nil) throws(ConfigError) -> Double {
        readKeys.insert(key)
        guard let raw = value(key) else {
            if let fallback { return fallback }
            throw error(key, "missing (a number\(range.map { " in \($0.lowerBound)...\($0.upperBound)" } ?? ""))")
        }
        let number: Double
        switch raw {
        case let value as Double: number = value
        case let value as Int: number = Double(value)
        case let value as String where Double(value) != nil: number = Double(value)!
        default: throw error(key, "must be a number, got \(shown(raw))")
        }
        guard number.isFinite else { throw error(key, "must be a finite number") }
        if let range, !range.contains(number) {
            throw error(key, "must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int {
        readKeys.insert(key)
        guard let raw = value(key) else {
            if let fallback { return fallback }
            throw error(key, "missing (an integer\(range.map { " in \($0)" } ?? ""))")
        }
        let number: Int
        switch raw {
        case let value as Int: number = value
        case let value as Double where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        case let value as String where Int(value) != nil: number = Int(value)!
        default: throw error(key, "must be an integer, got \(shown(raw))")
        }
        if let range, !range.contains(number) {
            throw error(key, "must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        readKeys.insert(key)
        guard let raw = value(key) else { return fallback }
        guard let flag = raw as? Bool else { throw error(key, "must be true or false, got \(shown(raw))") }
        return flag
    }

    public func string(_ key: String, default fallback: String? = nil, oneOf choices: [String]? = nil) throws(ConfigError) -> String {
        readKeys.insert(key)
        guard let raw = value(key) else {
            if let fallback { return fallback }
            throw error(key, "missing (a string\(choices.map { ": one of \($0.joined(separator: ", "))" } ?? ""))")
        }
        let text: String
        switch raw {
        case let value as String: text = value
        case let value as Int: text = String(value)
        case let value as Double: text = String(value)
        default: throw error(key, "must be a string, got \(shown(raw))")
        }
        if let choices, !choices.contains(text) {
            throw error(key, "must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// A string or a list of strings.
    public func strings(_ key: String) throws(ConfigError) -> [String] {
        readKeys.insert(key)
        guard let raw = value(key) else { return [] }
        if let text = raw as? String { return [text] }
        guard let list = raw as? [Any] else { throw error(key, "must be a string or a list of strings") }
        var result: [String] = []
        for (index, item) in list.enumerated() {
            guard let text = item as? String else { throw error("\(key)[\(index)]", "must be a string, got \(shown(item))") }
            result.append(text)
        }
        return result
    }

    /// The mapping at `key` as a reader of its own (for list items), or nil.
    public func list(_ key: String) throws(ConfigError) -> [ConfigReader] {
        readKeys.insert(key)
        guard let raw = value(key) else { return [] }
        guard let list = raw as? [Any] else { throw error(key, "must be a list") }
        var readers: [ConfigReader] = []
        for (index, item) in list.enumerated() {
            guard let mapping = item as? [String: Any] else { throw error("\(key)[\(index)]", "must be a mapping") }
            readers.append(ConfigReader(mapping: mapping, file: "\(file) (\(key)[\(index)])"))
        }
        return readers
    }

    /// Marks a key as known without reading it (free text such as a description).
    public func accept(_ key: String) {
        readKeys.insert(key)
    }

    /// Marks a key the reference used that HedgeGrid accepts but does not use.
    public func ignore(_ key: String, because reason: String) {
        readKeys.insert(key)
        if has(key) { ignoredKeys[key] = reason }
    }

    /// Warnings: every key in the file that no read asked for, and the ignored reference keys.
    public var warnings: [String] {
        var unknown: [String] = []
        func walk(_ node: [String: Any], prefix: String) {
            for (key, child) in node {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if readKeys.contains(path) { continue }
                if let mapping = child as? [String: Any] {
                    walk(mapping, prefix: path)
                } else {
                    unknown.append(path)
                }
            }
        }
        walk(root, prefix: "")
        return unknown.sorted().map { "\(file): \($0): unknown key, ignored" }
            + ignoredKeys.keys.sorted().map { "\(file): \($0): accepted for compatibility, not used (\(ignoredKeys[$0]!))" }
    }
}
