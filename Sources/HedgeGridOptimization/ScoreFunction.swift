/// The weighted multi-objective score of spec section 5:
/// w_sharpe * n(Sharpe) + w_profit * n(profit) + w_calmar * n(Calmar) - w_dd * n(max drawdown),
/// where n(x) maps x linearly from its **fixed** bounds onto [0, 1] (clamped). Fixed bounds keep a
/// score meaning the same thing over a whole study (the reference re-estimated them every 20
/// trials). Higher is better. A metric that does not exist (a Sharpe ratio of a flat curve)
/// scores 0 in its component.
public struct ScoreFunction: Sendable, Equatable, Codable {
    public struct Weights: Sendable, Equatable, Codable {
        public var sharpe = 0.30
        public var profit = 0.25
        public var calmar = 0.25
        public var drawdown = 0.20
        public init() {}
    }

    /// A metric's normalisation range.
    public struct Bounds: Sendable, Equatable, Codable {
        public var low: Double
        public var high: Double
        public init(_ low: Double, _ high: Double) {
            self.low = low
            self.high = high
        }

        /// x mapped onto [0, 1].
        public func normalise(_ x: Double) -> Double {
            guard high > low else { return 0 }
            return min(max((x - low) / (high - low), 0), 1)
        }
    }

    public var weights = Weights()
    public var sharpeBounds = Bounds(-3, 5)
    public var profitPctBounds = Bounds(-20, 50)
    public var calmarBounds = Bounds(-5, 20)
    public var drawdownPctBounds = Bounds(0, 50)

    public init() {}

    /// The score and its weighted components (`sharpe`, `profit`, `calmar`, `drawdown`; the
    /// drawdown component is subtracted).
    public func score(_ metrics: ObjectiveMetrics) -> (score: Double, components: [String: Double]) {
        let components: [String: Double] = [
            "sharpe": weights.sharpe * (metrics.sharpe.map(sharpeBounds.normalise) ?? 0),
            "profit": weights.profit * profitPctBounds.normalise(metrics.profitPct),
            "calmar": weights.calmar * (metrics.calmar.map(calmarBounds.normalise) ?? 0),
            "drawdown": weights.drawdown * drawdownPctBounds.normalise(metrics.maxDrawdownPct),
        ]
        let score = components["sharpe"]! + components["profit"]! + components["calmar"]! - components["drawdown"]!
        return (score, components)
    }
}
