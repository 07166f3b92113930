/// The regime detector's spread rule: the spread (fast - slow) / slow * 1e4 bp inside the
/// hysteresis band keeps the regime, outside it says up or down by its sign.
///
/// Asked for nearly every bar of a regime pass, so it is first asked without the division, as
/// |fast - slow| against |slow| times the band's edges (worked out once), with a margin (1e-9 of
/// the band) far wider than the rounding; only a spread at the band's edge is divided out. The
/// answer is the exact formula's in every case (a test holds them equal at the edge).
struct RegimeSpreadRule {
    let hysteresisBps: Double
    /// Whether the division-free tests apply (a band wide enough for their margin).
    private let quick: Bool
    /// |fast - slow| below |slow| times this is inside the band; above |slow| times `leaveAbove`, outside it.
    private let holdBelow: Double
    private let leaveAbove: Double

    init(hysteresisBps: Double) {
        self.hysteresisBps = hysteresisBps
        quick = hysteresisBps > 1e-6 && hysteresisBps.isFinite
        holdBelow = hysteresisBps * (1 - 1e-9) / 1e4
        leaveAbove = hysteresisBps * (1 + 1e-9) / 1e4
    }

    /// The regime after a bar with these EMA values, `regime` the one before it.
    @inline(__always)
    func regime(after regime: Regime, fast: Double, slow: Double) -> Regime {
        let difference = fast - slow
        if quick {
            let (size, scale) = (abs(difference), abs(slow))
            // (A zero slow EMA fails both tests: its spread is 0, which the formula below gives.)
            if size < scale * holdBelow { return regime }
            if size > scale * leaveAbove && slow != 0 && size.isFinite { return (difference > 0) == (slow > 0) ? .up : .down }
        }
        let spread = slow != 0 ? difference / slow * 1e4 : 0
        return abs(spread) < hysteresisBps ? regime : (spread > 0 ? .up : .down)
    }
}
