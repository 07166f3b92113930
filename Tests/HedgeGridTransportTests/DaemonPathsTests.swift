import HedgeGridTransport
import Testing

/// Where the daemon's socket, state and caches go, by mode, environment and overrides.
@Suite struct DaemonPathsTests {
    let home = ["HOME": "/home/ann"]

    @Test func userDefaultsFollowXDG() {
        let paths = DaemonPaths.resolve(
            environment: home.merging(["XDG_RUNTIME_DIR": "/run/user/1000", "XDG_STATE_HOME": "/s", "XDG_CACHE_HOME": "/c"]) { $1 },
            uid: 1000)
        #expect(paths.mode == .user)
        #expect(paths.socket == "/run/user/1000/hedgegrid/hedgegridd.sock")
        #expect(paths.stateDirectory == "/s/hedgegrid")
        #expect(paths.cacheDirectory == "/c/hedgegrid")
    }

    @Test func userFallbacksWithoutXDG() {
        let paths = DaemonPaths.resolve(environment: home, uid: 1000)
        #expect(paths.socket == "/tmp/hedgegrid-1000/hedgegridd.sock")
        #expect(paths.stateDirectory == "/home/ann/.local/state/hedgegrid")
        #expect(paths.cacheDirectory == "/home/ann/.cache/hedgegrid")
    }

    @Test func systemDefaults() {
        let paths = DaemonPaths.resolve(mode: .system, environment: home, uid: 0)
        #expect(paths.socket == "/run/hedgegrid/hedgegridd.sock")
        #expect(paths.stateDirectory == "/var/lib/hedgegrid")
        #expect(paths.cacheDirectory == "/var/cache/hedgegrid")
    }

    @Test func systemdDirectoriesWinOverDefaults() {
        let paths = DaemonPaths.resolve(
            mode: .system,
            environment: ["RUNTIME_DIRECTORY": "/run/hg", "STATE_DIRECTORY": "/var/lib/hg:/other", "CACHE_DIRECTORY": "/var/cache/hg"],
            uid: 0)
        #expect(paths.socket == "/run/hg/hedgegridd.sock")
        #expect(paths.stateDirectory == "/var/lib/hg")
        #expect(paths.cacheDirectory == "/var/cache/hg")
    }

    @Test func precedenceIsFlagThenEnvironmentThenConfigThenDefault() {
        let environment = home.merging(["HEDGEGRID_SOCKET": "/env.sock", "HEDGEGRID_STATE_DIR": "/env-state"]) { $1 }
        let config = DaemonPaths.Overrides(socket: "/config.sock", stateDirectory: "/config-state", cacheDirectory: "/config-cache")
        let withFlags = DaemonPaths.resolve(
            flags: .init(socket: "/flag.sock", stateDirectory: "/flag-state"), config: config, environment: environment, uid: 1)
        #expect(withFlags.socket == "/flag.sock")
        #expect(withFlags.stateDirectory == "/flag-state")
        #expect(withFlags.cacheDirectory == "/config-cache")
        let withoutFlags = DaemonPaths.resolve(config: config, environment: environment, uid: 1)
        #expect(withoutFlags.socket == "/env.sock")
        #expect(withoutFlags.stateDirectory == "/env-state")
        let configOnly = DaemonPaths.resolve(config: config, environment: home, uid: 1)
        #expect(configOnly.socket == "/config.sock")
    }
}
