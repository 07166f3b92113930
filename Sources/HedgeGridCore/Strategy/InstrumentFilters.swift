/// The exchange's order filters for one instrument (from exchangeInfo or the config).
public struct InstrumentFilters: Sendable, Equatable, Codable {
    public var tickSize: Double { didSet { priceScale = Self.decimalScale(of: tickSize) } }
    public var stepSize: Double { didSet { quantityScale = Self.decimalScale(of: stepSize) } }
    public var minQty: Double
    public var minNotional: Double
    /// 10^(decimals of the tick and the step): results are snapped to them, so 98.99 is 98.99
    /// and not 98.99000000000001.
    private var priceScale: Double
    private var quantityScale: Double

    private enum CodingKeys: String, CodingKey {
        case tickSize, stepSize, minQty, minNotional
    }

    public init(tickSize: Double, stepSize: Double, minQty: Double, minNotional: Double) {
        precondition(tickSize > 0 && stepSize > 0, "tick and step sizes must be positive")
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.minQty = minQty
        self.minNotional = minNotional
        self.priceScale = Self.decimalScale(of: tickSize)
        self.quantityScale = Self.decimalScale(of: stepSize)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            tickSize: try container.decode(Double.self, forKey: .tickSize),
            stepSize: try container.decode(Double.self, forKey: .stepSize),
            minQty: try container.decode(Double.self, forKey: .minQty),
            minNotional: try container.decode(Double.self, forKey: .minNotional))
    }

    /// The price rounded to the nearest tick. (Always inlined: every entry fill rounds its two exit prices.)
    @inlinable @inline(__always) public func roundPrice(_ price: Double) -> Double {
        snap(Self.nearestInteger(price / tickSize) * tickSize, scale: priceScaleValue)
    }

    /// The quantity floored to the step (with a tolerance for binary representation).
    @inlinable public func floorQuantity(_ quantity: Double) -> Double {
        snap((quantity / stepSize + 1e-9).rounded(.down) * stepSize, scale: quantityScaleValue)
    }

    @usableFromInline var priceScaleValue: Double { priceScale }
    @usableFromInline var quantityScaleValue: Double { quantityScale }

    @usableFromInline func snap(_ value: Double, scale: Double) -> Double {
        Self.nearestInteger(value * scale) / scale
    }

    /// `value.rounded()` (to the nearest integer, halves away from zero), without the C library's
    /// `round` call when |value| < 2^52: every fill rounds its exit prices, so this is on the hot path.
    @inlinable @inline(__always) static func nearestInteger(_ value: Double) -> Double {
        let magnitude = abs(value)
        // Not finite, or too large to have a fraction: the library's answer.
        guard magnitude < 0x1p52 else { return value.rounded() }
        // Adding 2^52 leaves no fraction: the nearest integer, a tie to the even one; both steps
        // exact. A tie that went down (to even) goes up instead.
        let nearest = (magnitude + 0x1p52) - 0x1p52
        let up = magnitude - nearest >= 0.5 ? 1.0 : 0.0
        return Double(signOf: value, magnitudeOf: nearest + up)
    }

    /// 10^d for the fewest decimals d (up to 12) that write `size` exactly.
    static func decimalScale(of size: Double) -> Double {
        var scale = 1.0
        for _ in 0...12 {
            let scaled = size * scale
            if abs(scaled - scaled.rounded()) < 1e-9 * max(1, scaled) { return scale }
            scale *= 10
        }
        return scale
    }
}
