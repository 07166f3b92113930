import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
struct ProgressBar {
    let enabled: Bool
    private var lastLine = ""

    init(enabled: Bool = Console.stderrIsTerminal) {
        self.enabled = enabled
    }

    mutating func update(percentage: Int?, message: String?) {
        guard enabled else { return }
        let width = 30
        let percent = max(0, min(100, percentage ?? 0))
        let filled = width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "[\(bar)] \(String(format: "%3d", percent))% \(message ?? "")"
        guard line != lastLine else { return }
        lastLine = line
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    func finish() {
        guard enabled, !lastLine.isEmpty else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
