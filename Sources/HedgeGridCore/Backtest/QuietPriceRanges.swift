/// Price ranges inside which two of the quiet-bar tests are certain to pass, worked out once for
/// a stretch of quiet bars (positions, cash and centre fixed) so a bar inside them skips the exact
/// tests. Every range keeps a margin of about 1e-9 of the prices or 1e-12 of the account's
/// magnitudes from where the exact test would turn, far wider than the rounding of that test
/// (about 1e-16 relative), so a bar inside a range passes the exact test too. A bar outside is
/// simply asked the exact test.
struct QuietPriceRanges: Equatable {
    /// Cross-margin liquidation cannot happen while the bar's low is above `liquidationLow` and its
    /// high below `liquidationHigh` (equity stays above the maintenance margin at both).
    var liquidationLow: Double
    var liquidationHigh: Double
    /// Mid (the close) strictly inside: no recentering, and mid in its band.
    var midLow: Double
    var midHigh: Double

    /// Relative margin of the account's magnitudes kept from the liquidation boundary.
    static let accountMargin = 1e-12
    /// Relative margin of the recentering distance.
    static let recenterMargin = 1e-9

    /// `recenterTriggerBps` nil: recentering is off.
    init(
        cash: Double, long: SidePosition, short: SidePosition, maintenance: Double, center: Double, recenterTriggerBps: Double?,
        bandLow: Double, bandHigh: Double
    ) {
        (liquidationLow, liquidationHigh) = Self.liquidationSafeRange(cash: cash, long: long, short: short, maintenance: maintenance)
        var low = bandLow
        var high = bandHigh
        if let trigger = recenterTriggerBps {
            // Recentering when |mid - centre| / centre * 1e4 > trigger: safe strictly within a
            // slightly narrower half-width (none when the trigger is too small to keep a margin).
            let halfWidth = center * (trigger / 1e4) * (1 - Self.recenterMargin)
            if center > 0 && halfWidth > center * 1e-6 {
                low = max(low, center - halfWidth)
                high = min(high, center + halfWidth)
            } else {
                (low, high) = (Double.infinity, -Double.infinity)
            }
        }
        midLow = low
        midHigh = high
    }

    /// The prices p > 0 at which equity(p) = cash + Ql (p - Al) + Qs (As - p) stays clearly above
    /// the maintenance margin (Ql + Qs) p m. The gap g(p) = A + S p (A = cash - Ql Al + Qs As,
    /// S = Ql - Qs - (Ql + Qs) m) must exceed the margin times M(p) = M0 + M1 p, a bound of the
    /// magnitudes the exact test adds up; both are linear in p, so the safe prices form one
    /// interval (empty as (inf, -inf)).
    static func liquidationSafeRange(cash: Double, long: SidePosition, short: SidePosition, maintenance: Double) -> (low: Double, high: Double) {
        let held = long.quantity + short.quantity
        let a = cash - long.quantity * long.averagePrice + short.quantity * short.averagePrice
        let s = long.quantity - short.quantity - held * maintenance
        let m0 = abs(cash) + long.quantity * long.averagePrice + short.quantity * short.averagePrice
        let m1 = held * (1 + abs(maintenance))
        let constant = a - accountMargin * m0
        let slope = s - accountMargin * m1
        guard constant.isFinite && slope.isFinite else { return (.infinity, -.infinity) }
        if slope > 0 {
            // Safe above the root (everywhere above 0 when the gap is positive at 0).
            return (max(0, -constant / slope), .infinity)
        }
        if slope < 0 {
            guard constant > 0 else { return (.infinity, -.infinity) }
            return (0, constant / -slope)
        }
        return constant > 0 ? (0, .infinity) : (.infinity, -.infinity)
    }
}
