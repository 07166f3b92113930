/// The risk gates checked first at every bar close (spec section 2, step 1): drawdown protection
/// and a circuit breaker. While a gate is closed, resting entries are cancelled and no new one is
/// placed; exits stay, so open positions still close.
public struct RiskLimits: Sendable, Equatable {
    /// Close the gate when equity is this many percent below its peak; nil turns it off.
    public var maxDrawdownPct: Double?
    /// Reopen after this many minutes (the peak restarts from the equity then); nil keeps it closed.
    public var drawdownCooldownMinutes: Double?
    /// Close the gate when the close moved more than this many percent within `circuitBreakerWindowMinutes`.
    public var circuitBreakerMovePct: Double?
    public var circuitBreakerWindowMinutes: Int
    public var circuitBreakerCooldownMinutes: Double

    public init(
        maxDrawdownPct: Double? = nil, drawdownCooldownMinutes: Double? = nil, circuitBreakerMovePct: Double? = nil,
        circuitBreakerWindowMinutes: Int = 15, circuitBreakerCooldownMinutes: Double = 60
    ) {
        self.maxDrawdownPct = maxDrawdownPct
        self.drawdownCooldownMinutes = drawdownCooldownMinutes
        self.circuitBreakerMovePct = circuitBreakerMovePct
        self.circuitBreakerWindowMinutes = circuitBreakerWindowMinutes
        self.circuitBreakerCooldownMinutes = circuitBreakerCooldownMinutes
    }
}
