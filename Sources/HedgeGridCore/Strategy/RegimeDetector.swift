/// Regime from EMA fast/slow spread, ADX and a hysteresis band (spec section 2, step 3).
///
/// spread = (emaFast - emaSlow) / emaSlow * 1e4 bps. While ADX is warm and below the threshold the
/// regime is sideways; else, inside the hysteresis band the previous regime holds; else up when the
/// spread is positive, down when negative. The initial regime is sideways.
public struct RegimeDetector: Sendable, Equatable {
    public struct Parameters: Sendable, Equatable {
        public var emaFast: Int
        public var emaSlow: Int
        public var adxLength: Int
        public var atrLength: Int
        public var hysteresisBps: Double
        public var adxThreshold: Double

        public init(emaFast: Int = 10, emaSlow: Int = 30, adxLength: Int = 14, atrLength: Int = 14, hysteresisBps: Double = 35, adxThreshold: Double = 20) {
            self.emaFast = emaFast
            self.emaSlow = emaSlow
            self.adxLength = adxLength
            self.atrLength = atrLength
            self.hysteresisBps = hysteresisBps
            self.adxThreshold = adxThreshold
        }

        /// How many bars the indicators need before the detector is warm.
        public var warmUpBars: Int { max(emaFast, emaSlow, 2 * adxLength, atrLength) }
    }

    public let parameters: Parameters
    public private(set) var regime: Regime = .sideways
    public private(set) var fast: ExponentialMovingAverage
    public private(set) var slow: ExponentialMovingAverage
    public private(set) var adx: AverageDirectionalIndex
    public private(set) var atr: AverageTrueRange

    public init(parameters: Parameters) {
        self.parameters = parameters
        fast = ExponentialMovingAverage(period: parameters.emaFast)
        slow = ExponentialMovingAverage(period: parameters.emaSlow)
        adx = AverageDirectionalIndex(period: parameters.adxLength)
        atr = AverageTrueRange(period: parameters.atrLength)
    }

    /// True once both EMAs and the ATR have values (ADX may still be warming up; it only gates sideways).
    public var isWarm: Bool { fast.isWarm && slow.isWarm && atr.isWarm }

    /// The EMA spread in basis points (0 before the EMAs are warm).
    public var spreadBps: Double {
        guard fast.isWarm, slow.isWarm, slow.value != 0 else { return 0 }
        return (fast.value - slow.value) / slow.value * 1e4
    }

    /// Feeds one closed bar; returns the regime after it.
    @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Regime {
        fast.update(close)
        slow.update(close)
        adx.update(high: high, low: low, close: close)
        atr.update(high: high, low: low, close: close)
        guard fast.isWarm && slow.isWarm else { return regime }
        if adx.isWarm && adx.value < parameters.adxThreshold {
            regime = .sideways
            return regime
        }
        let spread = spreadBps
        if abs(spread) < parameters.hysteresisBps { return regime }
        regime = spread > 0 ? .up : .down
        return regime
    }
}
