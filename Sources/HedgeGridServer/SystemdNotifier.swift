import CSystemd
import Dispatch
import Foundation
import Synchronization

/// Talks to the service manager through libsystemd: readiness, status lines, stopping,
/// watchdog pings, and sockets passed by socket activation. Without systemd every call is a no-op.
public final class SystemdNotifier: Sendable {
    private let watchdogTimer = LockedBox<DispatchSourceTimer?>(nil)

    public init() {}

    /// Whether the service manager listens (NOTIFY_SOCKET is set).
    public var isSupervised: Bool {
        ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
    }

    /// Sends `READY=1` and a status line.
    public func ready(status: String) {
        send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())")
    }

    /// Sends a `STATUS=` line.
    public func status(_ text: String) {
        send("STATUS=\(text)")
    }

    /// Sends `STOPPING=1`.
    public func stopping(status: String) {
        send("STOPPING=1\nSTATUS=\(status)")
    }

    /// Starts `WATCHDOG=1` pings at half the interval systemd asked for, if it asked.
    /// Returns the interval in microseconds, or nil when no watchdog is enabled.
    @discardableResult
    public func startWatchdog() -> UInt64? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        let interval = DispatchTimeInterval.microseconds(Int(usec / 2))
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hedgegrid.watchdog"))
        timer.schedule(deadline: .now(), repeating: interval)
        timer.setEventHandler { [weak self] in self?.send("WATCHDOG=1") }
        timer.resume()
        watchdogTimer.withLock { $0 = timer }
        return usec
    }

    public func stopWatchdog() {
        watchdogTimer.withLock { timer in
            timer?.cancel()
            timer = nil
        }
    }

    /// The listening sockets passed by socket activation (fd 3 onward), or empty.
    public static func inheritedSockets() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        let first = hg_sd_listen_fds_start()
        return (0..<count).map { first + $0 }
    }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
