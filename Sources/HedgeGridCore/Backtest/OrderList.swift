/// The simulation's resting orders of one kind (entries, or exit pairs), in the order they were
/// added: growable plain memory behind one pointer. An `Array` held by the simulation asks whether
/// its buffer is shared (a runtime call) on every change, and orders change on most eventful bars;
/// this list never is shared, so it never asks. Like `SelectionBuffers`, a copy shares the memory,
/// and whoever creates a list calls `deallocate()` once, when nothing uses it any more.
struct OrderList<Element: BitwiseCopyable>: RandomAccessCollection {
    private struct Header {
        var elements: UnsafeMutablePointer<Element>
        var count: Int
        var capacity: Int
    }

    private let header: UnsafeMutablePointer<Header>

    init(capacity: Int = 16) {
        let capacity = Swift.max(capacity, 1)
        header = .allocate(capacity: 1)
        header.initialize(to: Header(elements: .allocate(capacity: capacity), count: 0, capacity: capacity))
    }

    /// Frees the memory; the list (and every copy of it) must not be used after.
    func deallocate() {
        header.pointee.elements.deallocate()
        header.deallocate()
    }

    var startIndex: Int { 0 }
    var endIndex: Int { header.pointee.count }
    var count: Int { header.pointee.count }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < header.pointee.count, "order position out of range")
            return header.pointee.elements[position]
        }
        nonmutating set {
            precondition(position >= 0 && position < header.pointee.count, "order position out of range")
            header.pointee.elements[position] = newValue
        }
    }

    /// Adds `element` at the end.
    func append(_ element: Element) {
        if header.pointee.count == header.pointee.capacity { grow() }
        (header.pointee.elements + header.pointee.count).initialize(to: element)
        header.pointee.count += 1
    }

    /// Removes the element at `position`, keeping the order of the rest.
    @discardableResult
    func remove(at position: Int) -> Element {
        let count = header.pointee.count
        precondition(position >= 0 && position < count, "order position out of range")
        let elements = header.pointee.elements
        let removed = elements[position]
        (elements + position).update(from: elements + position + 1, count: count - position - 1)
        header.pointee.count = count - 1
        return removed
    }

    /// Removes the element at `position`, the last element taking its place (the rest keep theirs).
    func removeMovingLast(at position: Int) -> Element {
        let count = header.pointee.count
        precondition(position >= 0 && position < count, "order position out of range")
        let elements = header.pointee.elements
        let removed = elements[position]
        elements[position] = elements[count - 1]
        header.pointee.count = count - 1
        return removed
    }

    func removeAll() {
        header.pointee.count = 0
    }

    /// The elements as plain memory, valid until the list next changes.
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: header.pointee.elements, count: header.pointee.count))
    }

    /// Twice the room, the elements moved over.
    @inline(never) private func grow() {
        let (old, count) = (header.pointee.elements, header.pointee.count)
        let capacity = 2 * header.pointee.capacity
        let elements = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        elements.moveInitialize(from: old, count: count)
        old.deallocate()
        header.pointee.elements = elements
        header.pointee.capacity = capacity
    }
}
