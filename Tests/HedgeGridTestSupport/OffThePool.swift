import Foundation

/// Runs heavy synchronous work on a thread of its own and waits for it, so a long computation does
/// not hold one of Swift Testing's few cooperative threads, which other tests' socket and process
/// waits need (on a 2-core machine there are two: two busy tests would stall every other one).
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

/// `offThePool` for work that throws.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// Whether `condition` becomes true within `timeout`, asked every 10 ms without holding a thread
/// (for what a daemon writes to its log a moment after it answers).
public func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
