extension Double {
    /// The larger of two values, as one `maxsd` instruction: `maxsd` returns its source operand when
    /// the two compare equal (or one is NaN), so `second > first ? second : first` is exactly one
    /// `maxsd` (with `first` as the source). `Swift.max` returns `second` when they are equal, a rule
    /// the compiler builds from a compare and a blend of several instructions. The engine takes the
    /// larger of two prices for every bound, reach test and selected rung. The two rules differ only
    /// in the sign of an equal zero, and agree on NaN (both return `first` then).
    /// (`Swift.min` already compiles to one `minsd`.)
    @inline(__always) static func larger(_ first: Double, _ second: Double) -> Double {
        second > first ? second : first
    }
}
