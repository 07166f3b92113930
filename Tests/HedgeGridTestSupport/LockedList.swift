import Foundation

/// A list that closures on other threads append to (what a server saw, what a client waited for).
public final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []

    public init() {}

    public func append(_ item: Element) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    public var values: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
