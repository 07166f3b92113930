/// The HedgeGrid release this build belongs to.
public enum HedgeGridVersion {
    public static let current = "0.1.0"
    public static let serverName = "hedgegridd"
}
