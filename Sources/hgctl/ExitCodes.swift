/// The documented exit codes.
enum ExitCodes {
    static let failure: Int32 = 1
    static let unreachable: Int32 = 2
}
