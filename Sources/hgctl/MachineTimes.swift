import Foundation

/// The machine's CPU time counters from /proc/stat, to tell how much of a benchmark's run the
/// hypervisor gave to other guests ("steal"): on a shared VM that, not the code, moves the tail.
struct MachineTimes {
    /// Ticks of all CPUs by kind, in /proc/stat's order: user nice system idle iowait irq softirq steal.
    var ticks: [UInt64]

    /// The counters now, or nil where /proc/stat cannot be read.
    static func now() -> MachineTimes? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
        return ticks.count == 8 ? MachineTimes(ticks: ticks) : nil
    }

    /// The share of CPU time stolen between `earlier` and this reading (0...1).
    func stealShare(since earlier: MachineTimes) -> Double {
        let deltas = zip(ticks, earlier.ticks).map { $0 >= $1 ? $0 - $1 : 0 }
        let total = deltas.reduce(0, +)
        return total > 0 ? Double(deltas[7]) / Double(total) : 0
    }
}
