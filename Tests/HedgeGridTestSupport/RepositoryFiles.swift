import Foundation

/// Paths inside this repository, for tests that read its configs and bundled data.
public enum RepositoryFiles {
    /// The repository's root folder.
    public static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// `data/bundled`: the real Binance files every fresh clone has.
    public static var bundledData: String { root + "/data/bundled" }
}
