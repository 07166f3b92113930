import ArgumentParser

/// `hgctl`: the shell client of the HedgeGrid daemon.
@main
struct HGCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hgctl",
        abstract: "Control the HedgeGrid daemon (hedgegridd); starts it for you when none is running.",
        discussion: """
            Exit codes: 0 success; 1 the daemon reported an error, or a job failed or was cancelled; \
            2 the daemon could not be reached or started; 64 bad command-line usage.
            """,
        version: "0.1.0",
        subcommands: [
            StatusCommand.self, BacktestCommand.self, OptimizeCommand.self, AnalyzeCommand.self, CleanupCommand.self, DataCommand.self, JobsCommand.self, WaitCommand.self, CancelCommand.self, DaemonCommand.self,
            BenchCommand.self, TestJobCommand.self,
        ])
}
