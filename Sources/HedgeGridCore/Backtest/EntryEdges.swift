/// The two highest prices of the resting long entries and the two lowest of the short ones (a
/// price two entries share counts twice; -inf and +inf where there are none). A path segment that
/// stops short of a side's second entry can reach only the nearest one, which `walk` then looks up
/// instead of testing every entry. A NaN price (never reached) is never an edge; counted after the
/// nearest price, it makes the second edge that price (so the shortcut is only taken when the
/// segment reaches nothing on that side).
struct EntryEdges: Equatable {
    var nearestLong = -Double.infinity
    var secondLong = -Double.infinity
    var nearestShort = Double.infinity
    var secondShort = Double.infinity

    /// Counts a long entry's price in (no branch: which price is higher is a coin toss).
    @inline(__always) mutating func addLong(_ price: Double) {
        let lower = min(nearestLong, price)
        nearestLong = .larger(nearestLong, price)
        secondLong = .larger(secondLong, lower)
    }

    /// Counts a short entry's price in.
    @inline(__always) mutating func addShort(_ price: Double) {
        let higher = Double.larger(nearestShort, price)
        nearestShort = min(nearestShort, price)
        secondShort = min(secondShort, higher)
    }
}
