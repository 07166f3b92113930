@testable import HedgeGridCore
import HedgeGridTestSupport
import Testing

/// The orders' list keeps the order of what it holds through growth and every kind of removal,
/// checked against an `Array` doing the same.
@Suite struct OrderListTests {
    @Test func growsPastItsCapacityKeepingEveryElementInOrder() {
        let list = OrderList<Int>(capacity: 2)
        defer { list.deallocate() }
        for value in 0..<1_000 { list.append(value * 3) }
        #expect(list.count == 1_000)
        #expect(Array(list) == (0..<1_000).map { $0 * 3 })
        #expect(list.withUnsafeBufferPointer { Array($0) } == (0..<1_000).map { $0 * 3 })
    }

    @Test func removalsMatchAnArrayDoingTheSame() {
        var random = SeededUniform(seed: 11)
        let list = OrderList<Int>(capacity: 1)
        defer { list.deallocate() }
        var array: [Int] = []
        for step in 0..<5_000 {
            let choice = random.next()
            if array.isEmpty || choice < 0.5 {
                list.append(step)
                array.append(step)
            } else {
                let position = Int(random.next() * Double(array.count))
                if choice < 0.7 {
                    #expect(list.remove(at: position) == array.remove(at: position))
                } else if choice < 0.9 {
                    // The last element takes the removed one's place.
                    let removed = array[position]
                    array[position] = array[array.count - 1]
                    array.removeLast()
                    #expect(list.removeMovingLast(at: position) == removed)
                } else {
                    list[position] = -step
                    array[position] = -step
                }
            }
            if step % 97 == 0 { #expect(Array(list) == array) }
        }
        #expect(Array(list) == array)
        #expect(list.lastIndex(where: { $0 < 0 }) == array.lastIndex(where: { $0 < 0 }))
        list.removeAll()
        #expect(list.isEmpty)
        list.append(7)
        #expect(Array(list) == [7])
    }
}
