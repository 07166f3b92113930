/// The range of one tuned parameter: low...high, with an optional step (integers have step 1)
/// and an optional log scale.
public struct ParameterDomain: Sendable, Equatable, Codable {
    public var name: String
    public var low: Double
    public var high: Double
    /// Values are low + k * step; nil for a continuous range.
    public var step: Double?
    public var log: Bool

    public init(name: String, low: Double, high: Double, step: Double? = nil, log: Bool = false) {
        precondition(high >= low, "high must not be below low")
        precondition(!log || low > 0, "a log range needs low > 0")
        self.name = name
        self.low = low
        self.high = high
        self.step = step
        self.log = log
    }

    /// An integer parameter.
    public static func int(_ name: String, _ low: Int, _ high: Int, log: Bool = false) -> ParameterDomain {
        ParameterDomain(name: name, low: Double(low), high: Double(high), step: 1, log: log)
    }

    /// The value on the grid (when stepped) and within the range.
    public func snap(_ value: Double) -> Double {
        var result = min(max(value, low), high)
        if let step, step > 0 {
            result = low + ((result - low) / step).rounded() * step
            if result > high + 1e-12 { result -= step }
            result = (result * 1e12).rounded() / 1e12
        }
        return min(max(result, low), high)
    }

    /// The space the sampler works in: log for log ranges, widened by half a step for stepped ones.
    var internalBounds: (low: Double, high: Double) {
        let half = (step ?? 0) / 2
        if log {
            return (Foundation.log(max(low - half, low * 0.5)), Foundation.log(high + half))
        }
        return (low - half, high + half)
    }

    func toInternal(_ value: Double) -> Double { log ? Foundation.log(value) : value }
    func fromInternal(_ value: Double) -> Double { snap(log ? Foundation.exp(value) : value) }
}

import Foundation
