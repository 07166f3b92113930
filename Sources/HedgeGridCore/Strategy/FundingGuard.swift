/// Scales down the side that pays funding shortly before a costly funding time
/// (spec section 2, step 7), on simulation time.
public struct FundingGuard: Sendable, Equatable {
    public var windowMinutes: Double
    public var maxCostBps: Double

    public init(windowMinutes: Double = 480, maxCostBps: Double = 12) {
        self.windowMinutes = windowMinutes
        self.maxCostBps = maxCostBps
    }

    /// Quantity multipliers for the long and the short side.
    ///
    /// Inside the window before the next funding time, when |rate| * 1e4 * (window / 60 / intervalHours)
    /// exceeds `maxCostBps`, the paying side (LONG when the rate is positive, SHORT when negative)
    /// is scaled by minutesToFunding / window; the other side, and every bar outside the window, get 1.
    public func scales(minutesToFunding: Double, rate: Double, intervalHours: Double) -> (long: Double, short: Double) {
        guard windowMinutes > 0, intervalHours > 0, minutesToFunding >= 0, minutesToFunding <= windowMinutes else { return (1, 1) }
        let projectedCostBps = abs(rate) * 1e4 * (windowMinutes / 60 / intervalHours)
        guard projectedCostBps > maxCostBps, rate != 0 else { return (1, 1) }
        let scale = minutesToFunding / windowMinutes
        return rate > 0 ? (scale, 1) : (1, scale)
    }
}
