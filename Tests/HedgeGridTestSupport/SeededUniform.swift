/// Uniform doubles in [0, 1) from a seeded linear congruential generator (Knuth's MMIX
/// constants), so a test's random cases are the same on every run.
public struct SeededUniform {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}
