/// Replaces `${VAR}` and `${VAR:-default}` in config text before it is parsed.
public enum EnvironmentSubstitution {
    public static func apply(to text: String, environment: [String: String], file: String) throws(ConfigError) -> String {
        var output = ""
        output.reserveCapacity(text.count)
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigError(file: file, key: "", reason: "unterminated '${' in the config text")
            }
            let body = rest[start.upperBound..<end]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(file: file, key: "", reason: "'${\(body)}' is not a valid variable reference (use ${NAME} or ${NAME:-default})")
            }
            if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                throw ConfigError(file: file, key: "", reason: "environment variable '\(name)' is not set and '${\(name)}' has no default (write ${\(name):-value})")
            }
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return output
    }
}
