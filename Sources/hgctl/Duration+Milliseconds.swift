extension Duration {
    /// The duration in milliseconds, as the benchmarks print it.
    var inMilliseconds: Double {
        Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15
    }
}
