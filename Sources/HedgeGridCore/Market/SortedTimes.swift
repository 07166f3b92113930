extension Array where Element == Int64 {
    /// The index of the first element at or after `time` in a sorted array (binary search).
    @inlinable
    public func firstIndex(atOrAfter time: Int64) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
