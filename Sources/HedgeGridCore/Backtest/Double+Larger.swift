extension Double {
    /// The larger of two values, as one `maxsd` instruction. `Swift.max` keeps the second value when
    /// the two are equal, which only a blend of several instructions can do, and the engine takes
    /// the larger of two prices on every path segment, bound and selected rung; this keeps the first.
    /// The two differ only between +0 and -0, and agree on NaN (both return the first value then).
    /// (`Swift.min` already compiles to one `minsd`.)
    @inline(__always) static func larger(_ first: Double, _ second: Double) -> Double {
        second > first ? second : first
    }
}
