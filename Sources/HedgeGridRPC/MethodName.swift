/// The method names of the HedgeGrid protocol (see docs/protocol.md).
public enum MethodName {
    // Lifecycle (LSP).
    public static let initialize = "initialize"
    public static let initialized = "initialized"
    public static let shutdown = "shutdown"
    public static let exit = "exit"
    public static let cancelRequest = "$/cancelRequest"
    public static let progress = "$/progress"
    // Daemon.
    public static let daemonStatus = "daemon/status"
    public static let daemonStop = "daemon/stop"
    // Jobs.
    public static let jobList = "job/list"
    public static let jobGet = "job/get"
    public static let jobCancel = "job/cancel"
    public static let jobWait = "job/wait"
    public static let jobSubscribe = "job/subscribe"
    /// A notification sent to a job's subscribers when it ends.
    public static let jobFinished = "job/finished"
    // Market data.
    public static let dataImport = "data/import"
    public static let dataDownload = "data/download"
    public static let dataList = "data/list"
    public static let dataVerify = "data/verify"
    public static let dataDelete = "data/delete"
    // Backtests.
    public static let backtestRun = "backtest/run"
    // Test support.
    public static let testJob = "test/job"
    public static let testEcho = "test/echo"
    public static let testFail = "test/fail"
}
