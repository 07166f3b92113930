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
    // Studies.
    public static let studyOptimize = "study/optimize"
    public static let studySubscribe = "study/subscribe"
    public static let studyUnsubscribe = "study/unsubscribe"
    public static let studyList = "study/list"
    public static let studyGet = "study/get"
    public static let studyTrials = "study/trials"
    public static let studyBest = "study/best"
    public static let studyImportance = "study/importance"
    public static let studyExport = "study/export"
    public static let studyCleanup = "study/cleanup"
    public static let studyDelete = "study/delete"
    /// A notification sent to a study's subscribers each time one of its trials finishes.
    public static let studyTrialCompleted = "study/trialCompleted"
    // Test support.
    public static let testJob = "test/job"
    public static let testEcho = "test/echo"
    public static let testFail = "test/fail"
}
