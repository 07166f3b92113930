import Foundation

/// The base strategy YAML with a trial's parameters written in place: each tuned key's value is
/// replaced on its own line, so the file keeps its layout and comments; a key the base does not
/// have is added at the end of its section (or in a new section).
public enum BestParametersDocument {
    /// `values` by key path (`section.key`); integer parameters are written without a fraction.
    public static func merge(base: String, values: [String: Double], header: String) -> String {
        var lines = base.components(separatedBy: "\n")
        for key in values.keys.sorted() {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = values[key] else { continue }
            let text = format(value, integer: TunedParameters.isInteger(key))
            if let index = line(of: parts[1], in: parts[0], lines) {
                lines[index] = replaceValue(in: lines[index], with: text)
            } else if let sectionEnd = end(of: parts[0], lines) {
                lines.insert("  \(parts[1]): \(text)", at: sectionEnd)
            } else {
                if let last = lines.last, last.isEmpty { lines.removeLast() }
                lines += ["", "\(parts[0]):", "  \(parts[1]): \(text)", ""]
            }
        }
        let body = lines.joined(separator: "\n")
        return header.split(separator: "\n").map { "# \($0)" }.joined(separator: "\n") + "\n" + body
    }

    static func format(_ value: Double, integer: Bool) -> String {
        if integer || (value.rounded() == value && abs(value) < 1e15) { return String(Int(value.rounded())) }
        return "\(value)"
    }

    private static func isTopLevel(_ line: String) -> Bool {
        guard let first = line.first else { return false }
        return first != " " && first != "\t" && first != "#"
    }

    /// The index of the line holding `key` directly inside top-level `section`.
    private static func line(of key: String, in section: String, _ lines: [String]) -> Int? {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("\(section):") }) else { return nil }
        var indent: Int?
        for index in (start + 1)..<lines.count {
            let line = lines[index]
            if isTopLevel(line) { return nil }
            let stripped = line.drop { $0 == " " }
            guard !stripped.isEmpty, !stripped.hasPrefix("#") else { continue }
            let depth = line.count - stripped.count
            if indent == nil { indent = depth }
            if depth == indent, stripped.hasPrefix("\(key):") { return index }
        }
        return nil
    }

    /// Where to insert a new key at the end of `section`'s block.
    private static func end(of section: String, _ lines: [String]) -> Int? {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("\(section):") }) else { return nil }
        var last = start
        for index in (start + 1)..<lines.count {
            if isTopLevel(lines[index]) { break }
            if !lines[index].trimmingCharacters(in: .whitespaces).isEmpty { last = index }
        }
        return last + 1
    }

    /// `  key: old  # comment` -> `  key: new  # comment`.
    private static func replaceValue(in line: String, with value: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        let prefix = line[...colon]
        let rest = line[line.index(after: colon)...]
        var comment = ""
        if let hash = rest.range(of: " #") {
            let valuePart = rest[..<hash.lowerBound]
            let padding = valuePart.count - valuePart.trimmingCharacters(in: .whitespaces).count
            comment = String(repeating: " ", count: max(2, padding > 0 ? 2 : 2)) + rest[hash.lowerBound...].drop { $0 == " " }
        }
        return "\(prefix) \(value)\(comment)"
    }
}
