import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where `swift build` put the executables under test.
public enum Products {
    public static var directory: URL { Bundle.main.bundleURL }
    public static var daemon: String { directory.appendingPathComponent("hedgegridd").path }
    public static var hgctl: String { directory.appendingPathComponent("hgctl").path }
}
