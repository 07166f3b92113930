/// Every parameter of HedgeGridV1 (spec section 2), with the reference's defaults, and the
/// switches that turn each feature off so a plain grid can be checked against other engines.
public struct HedgeGridParameters: Sendable, Equatable {
    // grid
    public var gridStepBps = 50.0
    public var gridLevelsLong = 6
    public var gridLevelsShort = 6
    public var baseQuantity = 0.002
    public var quantityScale = 1.05
    // exit
    public var takeProfitSteps = 3.0
    public var stopLossSteps = 5.0
    public var stopLossEnabled = true
    // rebalance
    public var recenterTriggerBps = 200.0
    public var recenterEnabled = true
    // regime
    public var regime = RegimeDetector.Parameters()
    public var regimeEnabled = true
    // policy
    public var policy = PlacementPolicy.throttledCounter
    public var counterLevels = 4
    public var counterQuantityScale = 0.5
    // funding
    public var fundingWindowMinutes = 480.0
    public var fundingMaxCostBps = 12.0
    public var fundingGuardEnabled = true
    // position
    public var maxPositionPct = 0.75
    public var positionCapEnabled = true
    // risk_management (nil: no gates)
    public var riskLimits: RiskLimits?
    // execution
    /// Post-only retries, each `retryTicks` further from the market.
    public var retryAttempts = 3
    public var retryTicks = 1

    public init() {}
}
