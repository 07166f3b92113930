#if canImport(Glibc)
import Glibc
#endif

/// A value read by many threads at once and written rarely (the method table): a
/// readers-writer lock, so concurrent readers never wait for each other.
final class ReadMostlyBox<Value>: @unchecked Sendable {
    private var lock = pthread_rwlock_t()
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_rwlock_init(&lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(&lock)
    }

    func read<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body(value)
    }

    func write<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body(&value)
    }
}
