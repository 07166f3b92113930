/// What the metrics need from an equity curve, gathered one mark at a time, so a backtest that
/// does not keep its curve (an optimizer trial) computes exactly the numbers one that does would.
///
/// Daily samples are the equity at the start, at every UTC midnight after it up to the end, and at
/// the end when the end is not a midnight. The largest drawdown is measured on every mark, with the
/// time from the peak before it until equity regained that peak (or the end).
public struct EquityStatistics: Sendable, Equatable {
    public let startTime: Int64
    public let initialEquity: Double
    /// Marks added so far.
    public private(set) var count = 0
    public private(set) var finalEquity: Double
    public private(set) var endTime: Int64
    private var midnightSamples: [Double]
    private var nextMidnight: Int64

    private var peak: Double
    private var peakTime: Int64
    /// The largest drawdown so far, as a fraction of its peak.
    public private(set) var maxDrawdown = 0.0
    private var maxDrawdownPeakTime: Int64
    private var maxDrawdownPeak: Double
    private var recoveredAt: Int64?
    /// A mark above this cannot deepen the largest drawdown: the peak less the largest drawdown,
    /// plus 1e-12 of the peak, far more than the rounding of the exact test, which only a mark at
    /// or below it is asked (no division per mark). -inf without a positive peak.
    private var drawdownFloor: Double

    public init(startTime: Int64, initialEquity: Double) {
        self.startTime = startTime
        self.initialEquity = initialEquity
        self.finalEquity = initialEquity
        self.endTime = startTime
        self.midnightSamples = [initialEquity]
        self.nextMidnight = (startTime / EquityCurve.millisecondsPerDay + 1) * EquityCurve.millisecondsPerDay
        self.peak = initialEquity
        self.peakTime = startTime
        self.maxDrawdownPeakTime = startTime
        self.maxDrawdownPeak = initialEquity
        self.drawdownFloor = Self.drawdownFloor(peak: initialEquity, maxDrawdown: 0)
    }

    private static func drawdownFloor(peak: Double, maxDrawdown: Double) -> Double {
        peak > 0 ? peak * (1 - maxDrawdown) + peak * 1e-12 : -.infinity
    }

    /// Adds the equity marked at `time` (times increasing).
    @inline(__always)
    public mutating func add(time: Int64, equity value: Double) {
        if time >= nextMidnight { crossMidnights(time: time, value: value) }
        finalEquity = value
        endTime = time
        count += 1
        if value >= peak {
            if recoveredAt == nil, maxDrawdown > 0, peak == maxDrawdownPeak, value >= maxDrawdownPeak { recoveredAt = time }
            peak = value
            peakTime = time
            drawdownFloor = Self.drawdownFloor(peak: peak, maxDrawdown: maxDrawdown)
        } else if value <= drawdownFloor && peak > 0 {
            let drawdown = (peak - value) / peak
            if drawdown > maxDrawdown {
                maxDrawdown = drawdown
                maxDrawdownPeakTime = peakTime
                maxDrawdownPeak = peak
                recoveredAt = nil
                drawdownFloor = Self.drawdownFloor(peak: peak, maxDrawdown: maxDrawdown)
            }
        }
    }

    /// Adds `count` marks at once, the last one `last` at `lastTime`, when bounds on them show that
    /// adding them one by one would change nothing but the count and the last mark: every mark lies
    /// at most `highest` and at least `lowest`, below the peak and above the drawdown floor, and no
    /// midnight falls among their times (which end at `lastTime`). Returns false, adding nothing,
    /// when the bounds do not show it.
    @inline(__always)
    mutating func addMarks(count added: Int, lastTime: Int64, last: Double, highest: Double, lowest: Double) -> Bool {
        guard lastTime < nextMidnight && highest < peak && lowest > drawdownFloor else { return false }
        count += added
        finalEquity = last
        endTime = lastTime
        return true
    }

    /// Midnights passed before `time` keep the last mark before them; a mark exactly at midnight is its own sample.
    private mutating func crossMidnights(time: Int64, value: Double) {
        while time > nextMidnight {
            midnightSamples.append(count > 0 ? finalEquity : initialEquity)
            nextMidnight += EquityCurve.millisecondsPerDay
        }
        if time == nextMidnight {
            midnightSamples.append(value)
            nextMidnight += EquityCurve.millisecondsPerDay
        }
    }

    /// The points daily returns are computed between.
    public var dailySamples: [Double] {
        guard count > 0, endTime % EquityCurve.millisecondsPerDay != 0 else { return midnightSamples }
        return midnightSamples + [finalEquity]
    }

    /// From the peak before the largest drawdown until equity regained it (or the end), in ms; 0 without a drawdown.
    public var maxDrawdownDurationMs: Int64 {
        maxDrawdown > 0 ? (recoveredAt ?? endTime) - maxDrawdownPeakTime : 0
    }
}
