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
