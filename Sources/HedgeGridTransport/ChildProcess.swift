import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` that inherits only the descriptors it is given:
/// every other open descriptor of this process is closed in the child, so that no pipe or socket
/// of ours outlives us in a long-lived child (Foundation's `Process` does not promise that).
public struct ChildProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        case inherit
        case null
        /// A file, created if missing, appended to.
        case file(String)
        /// A descriptor of ours (for example a pipe end), duplicated into the child.
        case descriptor(Int32)
    }

    /// A failed start, with the program and the reason.
    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let pid: pid_t

    /// Starts `path` with `arguments` (not including the program name) and exactly `environment`.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String],
        stdin: Stream = .null, stdout: Stream = .inherit, stderr: Stream = .inherit, newSession: Bool = false
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let keep = [stdin, stdout, stderr].compactMap { stream -> Int32? in
            if case .descriptor(let fd) = stream { return fd }
            return nil
        }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let file):
                posix_spawn_file_actions_addopen(&actions, target, file, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        for fd in openDescriptors() where fd > 2 && !keep.contains(fd) {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        for fd in Set(keep) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if newSession {
            posix_spawnattr_setflags(&attributes, posixSpawnSetSID)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let entries: [String] = environment.map { key, value in key + "=" + value }.sorted()
        var envp: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to exit; returns its exit code, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Self.exitCode(status)
    }

    /// The exit code if the child has ended (and reaps it), else nil.
    public func exitCodeIfEnded() -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return Self.exitCode(status)
    }

    /// Sends a signal.
    public func signal(_ number: Int32) {
        kill(pid, number)
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// This process's open file descriptors, from /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }.sorted()
    }

    /// glibc's POSIX_SPAWN_SETSID (a GNU extension Swift does not import).
    private static let posixSpawnSetSID: Int16 = 0x80
}
