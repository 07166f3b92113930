import Foundation
import HedgeGridTransport
import HedgeGridClient
import HedgeGridTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Children start with only the descriptors they are given.
@Suite struct ChildProcessTests {
    @Test func childInheritsNoStrayDescriptors() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        var strays: [Int32] = [0, 0]
        #expect(pipe(&strays) == 0)
        defer {
            close(strays[0])
            close(strays[1])
        }
        let output = scratch.file("fds")
        let child = try ChildProcess.spawn(
            "/bin/sh", ["-c", "ls /proc/$$/fd"], environment: ["PATH": "/usr/bin:/bin"], stdout: .file(output))
        #expect(child.wait() == 0)
        let descriptors = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(descriptors.contains(1))
        #expect(!descriptors.contains(strays[0]))
        #expect(!descriptors.contains(strays[1]))
    }

    @Test func exitCodesAndSignals() throws {
        #expect(try ChildProcess.spawn("/bin/sh", ["-c", "exit 7"], environment: [:]).wait() == 7)
        let sleeper = try ChildProcess.spawn("/bin/sleep", ["30"], environment: [:])
        #expect(sleeper.exitCodeIfEnded() == nil)
        sleeper.signal(SIGKILL)
        #expect(sleeper.wait() == 128 + SIGKILL)
    }

    @Test func missingProgramIsAClearError() {
        #expect {
            _ = try ChildProcess.spawn("/no/such/program", [], environment: [:])
        } throws: { error in
            "\(error)".contains("cannot start /no/such/program")
        }
    }
}
