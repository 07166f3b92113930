import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private temporary directory, short enough for socket paths.
public struct Scratch: Sendable {
    public let path: String

    public init() {
        var template = Array("/tmp/hgtest-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    public var socket: String { path + "/d.sock" }
    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
