@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// `EquityStatistics`' largest drawdown against the definition, worked out with the division at
/// every mark: it must agree exactly, also for marks within a few ulps of the deepest drawdown.
@Suite struct EquityStatisticsTests {
    /// The definition, mark by mark.
    struct Reference {
        var peak: Double
        var peakTime: Int64
        var maxDrawdown = 0.0
        var maxDrawdownPeak: Double
        var maxDrawdownPeakTime: Int64
        var recoveredAt: Int64?
        var endTime: Int64

        init(time: Int64, equity: Double) {
            (peak, peakTime, maxDrawdownPeak, maxDrawdownPeakTime, endTime) = (equity, time, equity, time, time)
        }

        mutating func add(time: Int64, equity value: Double) {
            endTime = time
            if value >= peak {
                if recoveredAt == nil, maxDrawdown > 0, peak == maxDrawdownPeak, value >= maxDrawdownPeak { recoveredAt = time }
                (peak, peakTime) = (value, time)
            } else if peak > 0 {
                let drawdown = (peak - value) / peak
                if drawdown > maxDrawdown {
                    (maxDrawdown, maxDrawdownPeak, maxDrawdownPeakTime, recoveredAt) = (drawdown, peak, peakTime, nil)
                }
            }
        }

        var durationMs: Int64 { maxDrawdown > 0 ? (recoveredAt ?? endTime) - maxDrawdownPeakTime : 0 }
    }

    @Test func theLargestDrawdownIsTheDefinitionsAtEveryMark() {
        var random = SeededUniform(seed: 5)
        var nearTheEdge = 0
        for curve in 0..<60 {
            let start: Int64 = 1_700_000_000_000
            let first = curve % 10 == 0 ? -50.0 : 10_000 * (0.5 + random.next())
            var statistics = EquityStatistics(startTime: start, initialEquity: first)
            var reference = Reference(time: start, equity: first)
            var value = first
            for step in 1...3_000 {
                let time = start + Int64(step) * 60_000
                let pick = random.next()
                if pick < 0.3 && reference.peak > 0 {
                    // A few ulps either side of the mark that would equal the deepest drawdown so far.
                    let edge = reference.peak - reference.maxDrawdown * reference.peak
                    value = edge
                    for _ in 0..<Int(random.next() * 4) { value = random.next() < 0.5 ? value.nextUp : value.nextDown }
                    nearTheEdge += 1
                } else if pick < 0.32 {
                    value = reference.peak  // exactly back at the peak
                } else {
                    value *= 1 + (random.next() - 0.5) * 0.01
                }
                statistics.add(time: time, equity: value)
                reference.add(time: time, equity: value)
                guard statistics.maxDrawdown == reference.maxDrawdown, statistics.maxDrawdownDurationMs == reference.durationMs else {
                    Issue.record("curve \(curve), mark \(step): \(statistics.maxDrawdown) / \(statistics.maxDrawdownDurationMs) ms, definition \(reference.maxDrawdown) / \(reference.durationMs) ms")
                    return
                }
            }
        }
        #expect(nearTheEdge > 40_000)
    }

    /// Without a positive peak there is no drawdown to measure, whatever the marks (even -inf or NaN).
    @Test func noDrawdownWithoutAPositivePeak() {
        for start in [0.0, -10.0] {
            var statistics = EquityStatistics(startTime: 0, initialEquity: start)
            for (step, value) in [-Double.infinity, .nan, -20, start].enumerated() { statistics.add(time: Int64(step + 1) * 60_000, equity: value) }
            #expect(statistics.maxDrawdown == 0 && statistics.maxDrawdownDurationMs == 0, "start \(start)")
        }
    }

    /// `addMarks` (the quiet loop's blocks of bars) changes the statistics exactly as adding the
    /// marks one by one does whenever it takes them, and leaves them untouched when it does not.
    @Test func marksAddedAtOnceAreTheMarksAddedOneByOne() {
        var random = SeededUniform(seed: 17)
        var statistics = EquityStatistics(startTime: 1_700_000_000_000, initialEquity: 10_000)
        var (time, equity) = (Int64(1_700_000_000_000), 10_000.0)
        var (taken, refused) = (0, 0)
        for _ in 0..<20_000 {
            let count = 1 + Int(random.next() * 10)
            var marks: [(time: Int64, equity: Double)] = []
            for _ in 0..<count {
                time += 60_000
                // A walk with drift: new peaks, recoveries and deepening drawdowns all occur.
                equity *= 1 + (random.next() - 0.495) * 0.004
                marks.append((time, equity))
            }
            var oneByOne = statistics
            for mark in marks { oneByOne.add(time: mark.time, equity: mark.equity) }
            let before = statistics
            let highest = marks.map(\.equity).max()!
            let lowest = marks.map(\.equity).min()!
            if statistics.addMarks(count: count, lastTime: time, last: equity, highest: highest, lowest: lowest) {
                taken += 1
                #expect(statistics == oneByOne)
            } else {
                refused += 1
                #expect(statistics == before)
                statistics = oneByOne
            }
        }
        #expect(taken > 5_000 && refused > 1_000, "taken \(taken), refused \(refused)")
        #expect(statistics.maxDrawdown > 0.05)
    }
}
