/// The market regime the strategy trades in.
public enum Regime: String, Sendable, Equatable, Codable {
    case sideways, up, down
}
